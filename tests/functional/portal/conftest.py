"""Borrowers as the portal sees them: a verified user, with or without a profile and a line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.origination.models import LoanProduct
from tests.factories.accounts import borrower_create
from tests.factories.loans import ProductFactory, credit_line_for

TODAY = date(2027, 1, 15)
PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def business_date(db) -> date:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    return TODAY


@pytest.fixture
def product(db) -> LoanProduct:
    return ProductFactory.create()


def verified_user(email: str = "li.lei@example.com") -> User:
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def signed_in(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def borrower_for(user: User, *, line: bool = True, **overrides: object) -> Borrower:
    borrower = borrower_create(user=user, email=user.email, **overrides)
    if line:
        credit_line_for(borrower, limit=Decimal("20000.00"), grade="B", rate=Decimal("0.108000"))
    return borrower


@pytest.fixture
def user(db) -> User:
    return verified_user()


@pytest.fixture
def client_en(user: User) -> Client:
    return signed_in(user)


@pytest.fixture
def borrower(user: User, product: LoanProduct) -> Borrower:
    return borrower_for(user)
