"""`make bench`, checkout orders (issue #18): ``POST /api/v1/orders`` and the borrower's capture.

Uses the COB bench's database (``lendportal_bench``, 1,000,000 loans as ``make bench`` leaves
it). ACCOUNTS borrowers with room on their credit line are given to a bench partner and get a
revolving account. gunicorn serves with 2 workers, as in the API bench; SMS go to a file
(``FileSmsBackend``), which this script reads as the borrowers' phones would.

THREADS clients, each with its own borrowers (one order of a borrower at a time), loop for
BENCH_SECONDS doing what a purchase takes over HTTP:

1. the shop: ``POST /api/v1/orders`` (OAuth2 bearer token, a fresh Idempotency-Key), ¥1.00;
2. the borrower, on the ``confirm_url``: "send code" (the SMS goes out), then the code typed:
   the order is captured (the limit taken, the capture posted to the ledger, ``order.captured``
   written to the outbox).

It prints orders captured per second, the p50/p99 of each request and of the whole purchase,
the errors, and checks afterwards that every purchase answered as captured is CAPTURED in the
database with its capture entry, and no other order of the run is. The goal: at least 150
orders a second, p99 under 250 ms. The clients run in this process, on the same two cores as
the server: their CPU time is printed too.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django
import requests

from tests.bench.api import BASE, _start_gunicorn
from tests.bench.cob import LOG_DIR, _environment

ACCOUNTS = int(os.environ.get("BENCH_ORDER_ACCOUNTS", "400"))
THREADS = int(os.environ.get("BENCH_ORDER_THREADS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
AMOUNT = "1.00"
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
PRODUCT = "huabei"


@dataclass
class Timings:
    """Latencies in ms, per step and for the whole purchase; failures by step."""

    steps: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    captured: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, step: str, millis: float) -> None:
        with self.lock:
            self.steps.setdefault(step, []).append(millis)

    def fail(self, step: str) -> None:
        with self.lock:
            self.failures[step] = self.failures.get(step, 0) + 1


class SmsInbox:
    """The borrowers' phones: tails the SMS file and keeps the last code sent to each number."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.codes: dict[str, tuple[str, str]] = {}  # mobile -> (message id, code)
        self.changed = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self._tail, daemon=True)
        self.thread.start()

    def _tail(self) -> None:
        while not self.path.exists() and not self.stopped:
            time.sleep(0.01)
        with self.path.open(encoding="utf-8") as handle:
            partial = ""  # a line the server is still writing: read on until its newline
            while not self.stopped:
                partial += handle.readline()
                if not partial.endswith("\n"):
                    time.sleep(0.002)
                    continue
                message, partial = json.loads(partial), ""
                found = CODE.search(message["text"])
                if found:
                    with self.changed:
                        self.codes[message["to"]] = (message["id"], found.group(1))
                        self.changed.notify_all()

    def code_after(
        self, mobile: str, previous: str | None, timeout: float = 10.0
    ) -> tuple[str, str]:
        """The first code sent to ``mobile`` whose message is not ``previous``."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                got = self.codes.get(mobile)
                if got is not None and got[0] != previous:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no SMS code to {mobile[:3]}…")
                self.changed.wait(left)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.bench")
    _environment()
    sms_file = Path(tempfile.mkdtemp(prefix="bench-sms-")) / "sms.jsonl"
    os.environ["LENDPORTAL_SMS_BACKEND"] = "loans.servicing.notifications.FileSmsBackend"
    os.environ["LENDPORTAL_SMS_FILE_PATH"] = str(sms_file)
    django.setup()
    token, borrowers = _prepare()
    started_order = _max_order_id()
    server = _start_gunicorn()
    inbox = SmsInbox(sms_file)
    timings = Timings()
    try:
        cpu_before = time.process_time()
        wall = _run(token, borrowers, inbox, timings)
        client_cpu = time.process_time() - cpu_before
    finally:
        inbox.stopped = True
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    _report(timings, wall, client_cpu)
    return 0 if _check(timings, started_order) else 1


def _prepare() -> tuple[str, list[tuple[int, str]]]:
    """A bench shop, ACCOUNTS of its borrowers with a revolving account, and a token."""
    from django.db import connection
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from accounts.models import Borrower, Partner
    from accounts.selectors import borrower_mobile_decrypt
    from accounts.services import partner_create
    from loans.calendar.selectors import business_date_current
    from loans.revolving.models import RevolvingAccount, RevolvingProduct
    from loans.revolving.services.accounts import revolving_account_open
    from loans.servicing.models import CreditLine, CreditLineStatus

    shop = Partner.objects.filter(name="Bench shop").first()
    if shop is None:
        shop = partner_create(name="Bench shop", scopes=["orders:read", "orders:write"]).partner
    RevolvingProduct.objects.get_or_create(code=PRODUCT, defaults={"name": "花呗"})
    have = list(Borrower.objects.filter(partner=shop).values_list("id", flat=True))
    if len(have) < ACCOUNTS:
        lines = CreditLine.objects.filter(
            status=CreditLineStatus.ACTIVE,
            borrower__partner__isnull=True,
            revolving_account__isnull=True,
        ).order_by("id")
        room = [
            line.borrower_id
            for line in lines[: (ACCOUNTS - len(have)) * 3]
            if line.limit_amount - line.used_amount >= Decimal("2000.00")
        ][: ACCOUNTS - len(have)]
        with connection.cursor() as cursor:  # the shop registered them (ids kept)
            cursor.execute(
                "UPDATE accounts_borrower SET partner_id = %s, user_id = NULL WHERE id = ANY(%s)",
                [shop.pk, room],
            )
        today = business_date_current()
        for borrower in Borrower.objects.filter(pk__in=room):
            revolving_account_open(borrower=borrower, product_code=PRODUCT, as_of=today)
        have += room
    opened = RevolvingAccount.objects.filter(credit_line__borrower__partner=shop).count()
    token = AccessToken.objects.create(
        application_id=shop.oauth_application_id,
        token=secrets.token_urlsafe(30),
        expires=timezone.now() + timedelta(hours=2),
        scope="orders:read orders:write",
    )
    borrowers = [
        (b.pk, borrower_mobile_decrypt(borrower=b))
        for b in Borrower.objects.filter(pk__in=have).order_by("id")
    ]
    print(f"{opened} revolving accounts of the bench shop; {THREADS} clients.", flush=True)
    return token.token, borrowers


def _max_order_id() -> int:
    from loans.revolving.models import Order

    return Order.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _run(token: str, borrowers: list[tuple[int, str]], inbox: SmsInbox, timings: Timings) -> float:
    stop_at = time.monotonic() + SECONDS
    shares = [borrowers[i::THREADS] for i in range(THREADS)]
    clients = [
        threading.Thread(target=_client, args=(token, share, inbox, timings, stop_at))
        for share in shares
    ]
    began = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return time.monotonic() - began


def _client(
    token: str,
    borrowers: list[tuple[int, str]],
    inbox: SmsInbox,
    timings: Timings,
    stop_at: float,
) -> None:
    shop = requests.Session()
    shop.headers["Authorization"] = f"Bearer {token}"
    phone = requests.Session()
    turn = 0
    while time.monotonic() < stop_at:
        borrower_id, mobile = borrowers[turn % len(borrowers)]
        turn += 1
        try:
            _purchase(shop, phone, borrower_id, mobile, inbox, timings)
        except (requests.RequestException, TimeoutError, KeyError, ValueError):
            timings.fail("exception")


def _purchase(
    shop: requests.Session,
    phone: requests.Session,
    borrower_id: int,
    mobile: str,
    inbox: SmsInbox,
    timings: Timings,
) -> None:
    began = time.perf_counter()
    key = f"bench-{secrets.token_hex(8)}"
    body = {
        "borrower": borrower_id,
        "merchant_order_id": key,
        "amount": AMOUNT,
        "description": "Bench purchase",
    }
    created = _timed(
        timings,
        "POST /api/v1/orders",
        lambda: shop.post(
            f"{BASE}/api/v1/orders", json=body, headers={"Idempotency-Key": key}, timeout=30
        ),
    )
    if created.status_code != 201:
        timings.fail("POST /api/v1/orders")
        return
    order = created.json()
    url = order["confirm_url"]
    if "csrftoken" not in phone.cookies:
        phone.get(url, timeout=30)  # the page sets the CSRF cookie once per phone
    headers = {"X-CSRFToken": phone.cookies["csrftoken"]}
    previous = inbox.codes.get(mobile, (None, None))[0]
    sent = _timed(
        timings,
        "POST confirm: send code",
        lambda: phone.post(
            url, data={"action": "send"}, headers=headers, allow_redirects=False, timeout=30
        ),
    )
    if sent.status_code != 302:
        timings.fail("POST confirm: send code")
        return
    _message, code = inbox.code_after(mobile, previous)
    paid = _timed(
        timings,
        "POST confirm: code (capture)",
        lambda: phone.post(
            url,
            data={"action": "code", "code": code},
            headers=headers,
            allow_redirects=False,
            timeout=30,
        ),
    )
    if paid.status_code != 302:
        timings.fail("POST confirm: code (capture)")
        return
    timings.add("purchase (all three, SMS read)", (time.perf_counter() - began) * 1000)
    with timings.lock:
        timings.captured.append(order["id"])


def _timed(timings: Timings, step: str, call: Callable[[], requests.Response]) -> requests.Response:
    began = time.perf_counter()
    answer: requests.Response = call()
    timings.add(step, (time.perf_counter() - began) * 1000)
    return answer


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _report(timings: Timings, wall: float, client_cpu: float) -> None:
    lines = []
    for step, values in timings.steps.items():
        lines.append(
            f"{step:36s} {len(values):7d}  p50 {_percentile(values, 0.5):7.1f} ms  "
            f"p99 {_percentile(values, 0.99):7.1f} ms"
        )
    per_second = len(timings.captured) / wall
    whole = timings.steps.get("purchase (all three, SMS read)", [])
    p99 = _percentile(whole, 0.99)
    requests_p99 = max(
        (_percentile(v, 0.99) for k, v in timings.steps.items() if k.startswith("POST")),
        default=0.0,
    )
    lines += [
        f"orders created and captured: {len(timings.captured):,} in {wall:.1f} s = "
        f"{per_second:.0f}/s; failures {timings.failures or 0}; "
        f"clients' CPU {client_cpu:.1f} s of the run's {wall * 2:.0f} core-seconds",
        f"  {'met ' if per_second >= 150 else 'MISSED'}  orders + capture >= 150/s",
        f"  {'met ' if requests_p99 < 250 else 'MISSED'}  every request's p99 < 250 ms "
        f"(worst {requests_p99:.1f} ms; the whole purchase, three requests: {p99:.1f} ms)",
    ]
    print("\n".join(lines), flush=True)
    (LOG_DIR / "orders.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check(timings: Timings, started_order: int) -> bool:
    """Every purchase answered as captured is CAPTURED with its entry; nothing else of the run."""
    from loans.revolving.models import Order, OrderStatus

    run = Order.objects.filter(id__gt=started_order)
    captured = set(
        run.filter(status=OrderStatus.CAPTURED, entry__isnull=False).values_list("id", flat=True)
    )
    answered = set(timings.captured)
    ok = captured == answered
    print(
        f"  {'met ' if ok else 'MISSED'}  {len(answered):,} answered captured = "
        f"{len(captured):,} CAPTURED with a capture entry in the database",
        flush=True,
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
