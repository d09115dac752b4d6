"""The demo's borrowers and their credit applications, one person for each story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from stdnum import luhn

from accounts.models import Borrower
from accounts.services import borrower_register, demo_portal_user_create
from accounts.validators import id_number_check_character
from loans.management.seeding.demo.state import BEIJING, STAFF_PASSWORD, Demo
from loans.origination.models import CreditApplication
from loans.origination.services.credit import credit_application_submit


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


def serial_of(key: str) -> int:
    return list(PEOPLE).index(key) + 1


def borrower_create(demo: Demo, key: str, *, as_of: date, mobile: str | None = None) -> Borrower:
    person = PEOPLE[key]
    serial = serial_of(key)
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
    # The mobile is stored encrypted: the demo knows 王芳's from how it made it.
    apply(demo, "referred", as_of=day, mobile=mobile_for(serial_of("current")))
