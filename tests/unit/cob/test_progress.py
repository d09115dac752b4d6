"""close_business_day's progress (issue #21): a bar redrawn in place on a terminal, one line at
each tenth of the chunks otherwise (a log file, a pipe), never a line per second."""

from __future__ import annotations

from loans.cob.management.commands.close_business_day import BAR_WIDTH, Progress


class Written:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, text: str, ending: str = "\n") -> None:
        self.calls.append((text, ending))


def test_off_a_terminal_one_line_per_tenth_however_often_it_is_asked():
    written = Written()
    progress = Progress(written, 37, terminal=False)

    for done in [0, 0, 1, 2, 3, 3, 3, 4, 10, 18, 19, 30, 36, 37, 37]:
        progress.show(done)

    lines = [text for text, _ in written.calls]
    assert lines == [
        "  4/37 chunks done (10%)",
        "  10/37 chunks done (20%)",
        "  18/37 chunks done (40%)",
        "  19/37 chunks done (50%)",
        "  30/37 chunks done (80%)",
        "  36/37 chunks done (90%)",
        "  37/37 chunks done (100%)",
    ]


def test_on_a_terminal_a_bar_redrawn_in_place_ending_with_a_new_line():
    written = Written()
    progress = Progress(written, 4, terminal=True)

    for done in range(5):
        progress.show(done)

    texts = [text for text, _ in written.calls]
    assert all(text.startswith("\r  [") for text in texts)
    assert (
        texts[2] == "\r  [" + "#" * (BAR_WIDTH // 2) + "-" * (BAR_WIDTH // 2) + "] 2/4 chunks  50%"
    )
    assert [ending for _, ending in written.calls] == ["", "", "", "", "\n"]
