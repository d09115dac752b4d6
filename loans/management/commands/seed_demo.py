"""`python manage.py seed_demo [--if-empty]`: demo data for a development site (PRODUCT §8).

Creates, all through the services: the open business date, the staff roles and one user per
role, the CASH and INSTALLMENT products, a partner, borrowers with credit decisions of every kind,
and loans in every state with months of history (accrual day by day, fees, repayments, a
prepayment, a reversal, a payoff, a write-off with a second approver). Development only: every
password is public. See README, "Demo data".
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Min
from stdnum import luhn

from accounts.models import Borrower, Partner, User
from accounts.roles import (
    ADMINISTRATOR,
    COLLECTIONS_AGENT,
    FINANCE,
    LOAN_OFFICER,
    RISK_MANAGER,
    role_assign,
    roles_sync,
    staff_email_verify,
    staff_member_create,
)
from accounts.services import borrower_register, demo_admin_create, demo_portal_user_create
from accounts.validators import id_number_check_character
from loans.approvals.services.maker_checker import (
    approval_approve,
    disbursement_request,
    write_off_request,
)
from loans.calendar.models import BusinessDate
from loans.calendar.selectors import business_date_current
from loans.domain.delinquency import bucket_for, days_past_due
from loans.domain.prepayment import PrepaymentMode
from loans.domain.schedule import RepaymentMethod
from loans.ledger.models import JournalEntry
from loans.origination.models import CreditApplication, LoanProduct, Payout, PayoutStatus
from loans.origination.services.credit import credit_application_submit
from loans.origination.services.drawdown import ContractAcceptance, loan_cancel, loan_draw
from loans.origination.services.payouts import payout_send
from loans.origination.services.products import product_save
from loans.reporting.services.portfolio_days import portfolio_days_refresh
from loans.reporting.services.roll_rates import roll_rates_refresh
from loans.servicing.models import Loan, LoanStatus, Repayment, RepaymentChannel
from loans.servicing.selectors import installment_balance, loan_payoff_quote
from loans.servicing.services.daily import (
    loan_advance_apply,
    loan_fees_charge,
    loan_interest_accrue,
)
from loans.servicing.services.repayments import repayment_post, repayment_reverse

DEMO_ADMIN = "admin"
# Development data only: these passwords are published in the README.
STAFF_PASSWORD = "lendportal-demo"  # noqa: S105
FIRST_BUSINESS_DATE = date(2026, 12, 1)
BEIJING = ZoneInfo("Asia/Shanghai")
CONTRACT_TEXT = "LendPortal consumer loan contract, version 1 (demo)"
STAFF = (
    ("officer", LOAN_OFFICER),
    ("officer2", LOAN_OFFICER),  # the second pair of eyes of maker-checker
    ("risk", RISK_MANAGER),
    ("collections", COLLECTIONS_AGENT),
    ("finance", FINANCE),
)
GRADE_RATES = {"A": "0.072", "B": "0.108", "C": "0.144", "D": "0.18", "E": "0.239"}

Event = Callable[[Loan, date], None]


@dataclass(frozen=True)
class Person:
    """A demo borrower: what they declare, and where their identity number comes from."""

    name: str
    region: str  # GB/T 2260 county code: the first six digits of the identity number
    birth_date: date
    income: str
    employment_months: int
    debts: str
    via_partner: bool = False


PEOPLE = {
    "current": Person("王芳", "110105", date(1991, 3, 12), "15000.00", 48, "0.00"),
    "overdue": Person("李娜", "310104", date(1988, 7, 23), "9000.00", 30, "1500.00"),
    "paid_off": Person("张伟", "440305", date(1985, 11, 2), "12000.00", 72, "1000.00"),
    "pending": Person("刘洋", "500103", date(1993, 5, 30), "25000.00", 60, "0.00"),
    "cancelled": Person("陈静", "330106", date(1995, 9, 14), "12000.00", 26, "2000.00", True),
    "written_off": Person("杨磊", "510107", date(1990, 1, 8), "6000.00", 14, "1000.00"),
    "installment": Person("赵敏", "420106", date(1998, 12, 20), "7000.00", 20, "0.00", True),
    "declined": Person("孙强", "370102", date(1996, 4, 11), "1800.00", 10, "0.00"),
    # Registered with 王芳's mobile number: the identity check refers the application.
    "referred": Person("周杰", "320106", date(1989, 8, 8), "10000.00", 40, "0.00"),
}


def id_number_for(person: Person, serial: int) -> str:
    """Return a valid identity number: region, birth date, 3-digit sequence, GB 11643 check."""
    first_17 = f"{person.region}{person.birth_date:%Y%m%d}{serial:03d}"
    return first_17 + id_number_check_character(first_17)


def bank_card_for(serial: int) -> str:
    body = f"622848{serial:09d}"  # 16 digits with the Luhn check digit
    return body + luhn.calc_check_digit(body)


def mobile_for(serial: int) -> str:
    return f"139{serial:08d}"


@dataclass
class Demo:
    """What the seeding shares between steps."""

    say: Callable[[str], None]
    today: date  # the open business date
    staff: dict[str, User] = field(default_factory=dict)
    products: dict[str, LoanProduct] = field(default_factory=dict)
    partner: Partner | None = None
    borrowers: dict[str, Borrower] = field(default_factory=dict)

    @property
    def last_closed(self) -> date:
        # Close of business for D runs after D ends and opens D + 1 (PRODUCT §4): on the open
        # date, interest is accrued through the day before, and DPD is as of that day.
        return self.today - timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Create demo data: staff in every role, products, a partner, borrowers and loans in "
        "every state (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (used by `make run`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data: the database has data already; nothing to do.")
                return
            if User.objects.filter(username=DEMO_ADMIN).exists():
                self.stdout.write(f"Demo data: user {DEMO_ADMIN!r} exists already.")
                return
        # All or nothing: a failure leaves no half-seeded database that --if-empty would skip.
        with transaction.atomic():
            demo = Demo(say=self.stdout.write, today=business_date_open())
            seed(demo)
        # The payouts go to the bank on commit (loan_disburse). Inside a caller's transaction
        # (a test) that commit has not happened: send what is still waiting now.
        for payout_id in Payout.objects.filter(status=PayoutStatus.SENT).values_list(
            "pk", flat=True
        ):
            payout_send(payout_id=payout_id)
        # The dashboard's flows and roll rates come from the summaries that close of business
        # writes; the demo's history was posted directly, so they are written once here.
        first = JournalEntry.objects.aggregate(first=Min("value_date"))["first"]
        if first is not None:
            portfolio_days_refresh(first=first, last=business_date_current())
        roll_rates_refresh(as_of=business_date_current() - timedelta(days=1))  # the last close
        self.summary()

    def summary(self) -> None:
        statuses = Counter(Loan.objects.values_list("status", flat=True))
        decisions = Counter(CreditApplication.objects.values_list("status", flat=True))
        settled = Payout.objects.filter(status=PayoutStatus.SETTLED).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: business date {business_date_current()}; "
                f"{Borrower.objects.count()} borrowers; applications "
                f"{dict(sorted(decisions.items()))}; loans {dict(sorted(statuses.items()))}; "
                f"{settled} payouts settled."
            )
        )
        staff = ", ".join(username for username, _ in STAFF)
        self.stdout.write(
            self.style.SUCCESS(
                f"Back office at /admin/: user {DEMO_ADMIN!r} (password from DEMO_ADMIN_PASSWORD, "
                f"default 'lendportal-demo'); staff {staff} with password 'lendportal-demo'. "
                "Staff sign in by username and must set up TOTP (an authenticator app) on "
                "their first visit (docs/backoffice.md)."
            )
        )


def business_date_open() -> date:
    """Return the open business date; a new database opens on 2026-12-01, not the clock's."""
    if not BusinessDate.objects.filter(pk=1).exists():
        BusinessDate.objects.create(pk=1, current_date=FIRST_BUSINESS_DATE)
    return business_date_current()


def seed(demo: Demo) -> None:
    demo.say(f"Business date {demo.today}.")
    staff_create(demo)
    products_create(demo)
    demo.partner = Partner.objects.create(code="demo-shop", name="Demo Shop")
    demo.say("Partner Demo Shop (demo-shop).")
    loans_create(demo)
    applications_decline_and_refer(demo)


def staff_create(demo: Demo) -> None:
    roles_sync()
    password = os.environ.get("DEMO_ADMIN_PASSWORD", STAFF_PASSWORD)
    admin = demo_admin_create(username=DEMO_ADMIN, password=password, email="admin@example.com")
    staff_email_verify(user=admin)  # allauth's sign-in needs a verified address
    role_assign(user=admin, role=ADMINISTRATOR)
    demo.staff[DEMO_ADMIN] = admin
    for username, role in STAFF:
        demo.staff[username] = staff_member_create(
            username=username, password=STAFF_PASSWORD, role=role, email=f"{username}@example.com"
        )
    demo.say(f"Roles and staff: {DEMO_ADMIN}, " + ", ".join(f"{u} ({r})" for u, r in STAFF) + ".")


def products_create(demo: Demo) -> None:
    demo.products["CASH"] = product_save(
        product=LoanProduct(
            code="CASH",
            name="Cash loan",
            methods=[RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL],
            terms=[3, 6, 9, 12, 18, 24],
            rates_by_grade={grade: f"{Decimal(rate):.6f}" for grade, rate in GRADE_RATES.items()},
        )
    )
    demo.products["INSTALLMENT"] = product_save(
        product=LoanProduct(
            code="INSTALLMENT",
            name="Installment plan",
            methods=[RepaymentMethod.INSTALLMENT_FEE],
            terms=[3, 6, 12],
            annual_rate=Decimal("0"),
            fee_rate=Decimal("0.006"),
        )
    )
    demo.say("Products CASH (equal installment, equal principal) and INSTALLMENT (fee).")


# --- borrowers and applications ----------------------------------------------------------------


def borrower_create(demo: Demo, key: str, *, as_of: date, mobile: str | None = None) -> Borrower:
    person = PEOPLE[key]
    serial = list(PEOPLE).index(key) + 1
    partner = demo.partner if person.via_partner else None
    consented_at = datetime.combine(as_of, time(10, 0), tzinfo=BEIJING)
    email = f"borrower{serial}@example.com"
    # Portal borrowers can sign in to the portal with the staff demo password (README).
    user = None if partner else demo_portal_user_create(email=email, password=STAFF_PASSWORD)
    borrower = borrower_register(
        full_name=person.name,
        id_number=id_number_for(person, serial),
        mobile=mobile or mobile_for(serial),
        bank_card=bank_card_for(serial),
        monthly_income_amount=Decimal(person.income),
        employment_months=person.employment_months,
        monthly_debt_payments_amount=Decimal(person.debts),
        as_of=as_of,
        email=email,
        user=user,
        partner=partner,
        external_id=f"shop-{serial:04d}" if partner else "",
        credit_check_consent_at=consented_at,
        privacy_notice_version="2026-01",
        privacy_consent_at=consented_at,
    )
    demo.borrowers[key] = borrower
    return borrower


def apply(demo: Demo, key: str, *, as_of: date, mobile: str | None = None) -> CreditApplication:
    borrower = borrower_create(demo, key, as_of=as_of, mobile=mobile)
    application = credit_application_submit(
        borrower=borrower, as_of=as_of, partner=borrower.partner
    )
    detail = f"grade {application.grade}, limit ¥{application.credit_limit_amount}"
    if application.reasons:
        detail = ", ".join(application.reasons)
    demo.say(f"  {borrower.full_name}: application {application.status} ({detail}).")
    return application


def applications_decline_and_refer(demo: Demo) -> None:
    demo.say("Applications without a loan:")
    day = demo.today - timedelta(days=10)
    apply(demo, "declined", as_of=day)
    apply(demo, "referred", as_of=day, mobile=demo.borrowers["current"].mobile)


# --- loans -------------------------------------------------------------------------------------


def contract_for(borrower: Borrower, day: date) -> ContractAcceptance:
    return ContractAcceptance(
        version="v1",
        text_hash=hashlib.sha256(CONTRACT_TEXT.encode()).hexdigest(),
        accepted_at=datetime.combine(day, time(10, 30), tzinfo=BEIJING),
        signature_name=borrower.full_name,
        ip="203.0.113.10",
        user_agent="Mozilla/5.0 (iPhone; demo)",
    )


def draw(
    demo: Demo,
    key: str,
    *,
    days_ago: int,
    product: str,
    principal: str,
    term: int,
    method: RepaymentMethod,
) -> Loan:
    """Register, apply five days before and draw ``days_ago`` days before the business date."""
    day = demo.today - timedelta(days=days_ago)
    apply(demo, key, as_of=day - timedelta(days=5))
    borrower = demo.borrowers[key]
    loan = loan_draw(
        borrower=borrower,
        product=demo.products[product],
        principal=Decimal(principal),
        term=term,
        method=method,
        contract=contract_for(borrower, day),
        as_of=day,
        partner=borrower.partner,
    )
    loan.refresh_from_db()  # a draw within the limit was disbursed on a fresh instance
    demo.say(f"  loan {loan.pk}: ¥{principal}, {term} months {method}, drawn {day}.")
    return loan


def channel_of(loan: Loan) -> RepaymentChannel:
    return RepaymentChannel.PARTNER if loan.partner_id else RepaymentChannel.PORTAL


def pay(loan: Loan, day: date, amount: Decimal, **kwargs: Any) -> Repayment:
    count = Repayment.objects.filter(loan=loan).count() + 1
    return repayment_post(
        loan=loan,
        amount=amount,
        value_date=day,
        as_of=day,
        channel=channel_of(loan),
        reference=f"DEMO-{loan.pk}-{count}",
        **kwargs,
    )


def due_on(loan: Loan, day: date) -> Decimal:
    """Return everything due on or before ``day`` and not paid: what a punctual borrower pays."""
    rows = loan.installments.filter(paid_date__isnull=True, due_date__lte=day)
    total = Decimal("0.00")
    for row in rows:
        balance = installment_balance(row)
        total += balance.principal + balance.interest + balance.fee + balance.penalty
    return total


def live(
    loan: Loan,
    *,
    through: date,
    pays_installments: int | None = None,
    events: dict[date, Event] | None = None,
) -> None:
    """Run the loan's days from disbursement through ``through``, as the borrower and COB would.

    Each day: on a due date the fees falling due and the advance held are applied (as COB
    will), then the day's event, then the borrower pays what is due on a due date (only
    installments up to ``pays_installments`` when given), then the day's interest accrues.
    Penalty is not charged: close of business (issue #4) brings it.
    """
    events = events or {}
    day = loan.disbursed_date or through
    last_due = loan.installments.order_by("-due_date").values_list("due_date", flat=True)[0]
    end = min(through, max([last_due, *events]))  # after the last due date nothing accrues
    while day <= end and Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE:
        due_today = loan.installments.filter(due_date=day, paid_date__isnull=True).first()
        if due_today:
            loan_fees_charge(loan=loan, as_of=day)
            loan_advance_apply(loan=loan, as_of=day)
        if day in events:
            events[day](loan, day)
        if due_today and (pays_installments is None or due_today.number <= pays_installments):
            pay(loan, day, due_on(loan, day))
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)


def delinquency_set(loan: Loan, *, as_of: date) -> None:
    """Set days past due and the bucket as of ``as_of``.

    Close of business computes these (issue #4, not built yet); until it exists the demo sets
    them the way it will, with a queryset update, so the overdue queues have something in them.
    """
    oldest = (
        loan.installments.filter(paid_date__isnull=True)
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    overdue_days = days_past_due(oldest_unpaid_due_date=oldest, as_of=as_of)
    Loan.objects.filter(pk=loan.pk).update(
        days_past_due=overdue_days, bucket=bucket_for(overdue_days)
    )
    loan.refresh_from_db()


def due_date_of(loan: Loan, number: int) -> date:
    return loan.installments.get(number=number).due_date


def loans_create(demo: Demo) -> None:
    demo.say("Borrowers, applications and loans:")
    loan_current(demo)
    loan_overdue(demo)
    loan_paid_off(demo)
    loan_installment_plan(demo)
    loan_pending(demo)
    loan_cancelled(demo)
    loan_written_off(demo)


def loan_current(demo: Demo) -> None:
    """Active and current: every installment paid on time, and a prepayment of ¥3,000."""
    loan = draw(demo, "current", days_ago=100, product="CASH", principal="10000.00", term=12,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    prepay_day = due_date_of(loan, 2) + timedelta(days=10)

    def prepay(loan: Loan, day: date) -> None:
        pay(loan, day, Decimal("3000.00"), prepayment_mode=PrepaymentMode.SHORTEN_TERM)
        demo.say(f"    prepaid ¥3,000.00 on {day} (shorter term)")

    live(loan, through=demo.last_closed, events={prepay_day: prepay})
    delinquency_set(loan, as_of=demo.last_closed)


def loan_overdue(demo: Demo) -> None:
    """Active and overdue: the first installment paid, none since."""
    loan = draw(demo, "overdue", days_ago=150, product="CASH", principal="8000.00", term=6,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    live(loan, through=demo.last_closed, pays_installments=1)
    delinquency_set(loan, as_of=demo.last_closed)
    demo.say(f"    {loan.days_past_due} days past due ({loan.bucket})")


def loan_paid_off(demo: Demo) -> None:
    """Paid off early with the payoff quote, after two installments."""
    loan = draw(demo, "paid_off", days_ago=270, product="CASH", principal="5000.00", term=6,
                method=RepaymentMethod.EQUAL_PRINCIPAL)  # fmt: skip
    payoff_day = due_date_of(loan, 2) + timedelta(days=12)

    def payoff(loan: Loan, day: date) -> None:
        loan.refresh_from_db()
        quote = loan_payoff_quote(loan=loan, as_of=day)
        pay(loan, day, quote.total - loan.advance_amount)
        demo.say(f"    paid off on {day} with ¥{quote.total}")

    live(loan, through=demo.last_closed, events={payoff_day: payoff})


def loan_installment_plan(demo: Demo) -> None:
    """Active installment plan from the partner, with a mistaken repayment reversed."""
    loan = draw(demo, "installment", days_ago=95, product="INSTALLMENT", principal="3600.00",
                term=6, method=RepaymentMethod.INSTALLMENT_FEE)  # fmt: skip
    first_due = due_date_of(loan, 1)
    mistaken: list[Repayment] = []

    def post_mistake(loan: Loan, day: date) -> None:
        # The partner sent the first installment's payment a second time.
        mistaken.append(pay(loan, day, loan.installments.get(number=1).total_amount))

    def reverse_mistake(loan: Loan, day: date) -> None:
        repayment_reverse(repayment=mistaken[0], as_of=day, memo="Posted twice by the partner")
        demo.say(f"    repayment {mistaken[0].pk} (posted twice) reversed on {day}")

    events: dict[date, Event] = {
        first_due + timedelta(days=1): post_mistake,
        first_due + timedelta(days=2): reverse_mistake,
    }
    live(loan, through=demo.last_closed, events=events)
    delinquency_set(loan, as_of=demo.last_closed)


def loan_pending(demo: Demo) -> None:
    """Above the auto-disbursement limit: waiting for a second officer to approve."""
    loan = draw(demo, "pending", days_ago=0, product="CASH", principal="25000.00", term=12,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    disbursement_request(
        loan=loan, officer=demo.staff["officer"], reason="Above the ¥20,000 auto-disbursement limit"
    )
    demo.say("    disbursement requested by officer; waits for a second officer")


def loan_cancelled(demo: Demo) -> None:
    """Drawn above the limit, then cancelled before disbursement."""
    loan = draw(demo, "cancelled", days_ago=3, product="CASH", principal="21000.00", term=24,
                method=RepaymentMethod.EQUAL_PRINCIPAL)  # fmt: skip
    loan_cancel(loan=loan)
    demo.say("    cancelled before disbursement")


def loan_written_off(demo: Demo) -> None:
    """Never repaid: past the write-off threshold, written off by two officers."""
    loan = draw(demo, "written_off", days_ago=330, product="CASH", principal="3000.00", term=3,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    live(loan, through=demo.last_closed, pays_installments=0)
    delinquency_set(loan, as_of=demo.last_closed)
    request = write_off_request(
        loan=loan,
        officer=demo.staff["collections"],
        as_of=demo.today,
        reason=f"{loan.days_past_due} days past due, no contact",
    )
    approval_approve(request=request, officer=demo.staff["officer2"], as_of=demo.today)
    demo.say(f"    written off at {loan.days_past_due} days past due (collections, then officer2)")
