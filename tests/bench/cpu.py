"""CPU seconds spent by a process tree and by the local PostgreSQL, read from /proc (Linux).

The benches use them to say where a figure's time goes: in our worker processes or in the
database on the same machine. Processes that exit are not lost: a parent's cutime/cstime
hold the CPU of the children it reaped (PostgreSQL's postmaster reaps every backend).
"""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # the fields after "(comm)", from field 3


def _own_and_reaped(pid: int) -> float:
    fields = _stat(pid)
    if fields is None:
        return 0.0
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])  # fields 14 to 17
    return (utime + stime + cutime + cstime) / _TICK


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of ``pid``, its live descendants and those it reaped."""
    return _own_and_reaped(pid) + sum(tree_cpu_seconds(child) for child in _children(pid))


def postgres_cpu_seconds() -> float:
    """CPU seconds of every PostgreSQL server process tree on this machine (0 if none is seen)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            parent = _stat(int(entry.name))
        except OSError:
            continue
        if comm == "postgres" and parent is not None and _comm(int(parent[1])) != "postgres":
            total += tree_cpu_seconds(int(entry.name))  # a postmaster: its whole tree
    return total


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
