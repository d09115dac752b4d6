"""The back office (issue #3): every registered model's pages, masking, a read-only ledger, and
a product form that refuses a rate above the cap."""

import json
import re
from decimal import Decimal
from io import StringIO
from typing import cast

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Borrower, User
from loans.ledger.models import JournalEntry, JournalLine
from loans.origination.models import LoanProduct
from loans.origination.models.products import default_allocation_rules
from loans.servicing.models import Loan
from tests.factories.accounts import (
    borrower_create,
    make_bank_card,
    make_id_number,
    totp_enable,
)
from tests.factories.loans import ProductFactory, draw

pytestmark = pytest.mark.django_db

# A changelist runs a fixed number of queries (session, user, count, page, filters), however
# many rows it shows; one query per row would pass this with the seeded data's 100+ entries.
CHANGELIST_MAX_QUERIES = 12


@pytest.fixture
def superuser_client(client: Client) -> Client:
    user = User.objects.filter(username="admin").first() or User.objects.create_superuser(
        "admin", "admin@example.com", "x"
    )
    totp_enable(user)  # staff must have TOTP to use the admin (issue #6)
    client.force_login(user)
    return client


def admin_url(model: type[Model], view: str, *args: object) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_every_registered_model_has_working_pages_without_a_query_per_row(client: Client):
    call_command("seed_demo", stdout=StringIO())
    admin_user = User.objects.get(username="admin")
    totp_enable(admin_user)
    client.force_login(admin_user)
    failures = []
    for model in admin.site._registry:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url(model, "changelist"))
        if response.status_code != 200:
            failures.append((model.__name__, "changelist", response.status_code))
        if len(queries) > CHANGELIST_MAX_QUERIES:
            failures.append((model.__name__, "changelist queries", len(queries)))
        objects = Loan.objects.all() if model is Loan else model._default_manager.all()[:1]
        for obj in objects:
            response = client.get(admin_url(model, "change", obj.pk))
            if response.status_code != 200:
                failures.append((model.__name__, f"change {obj.pk}", response.status_code))
    assert failures == []
    assert {Loan, JournalEntry, LoanProduct, Borrower} <= set(admin.site._registry)


def test_the_loan_page_shows_its_schedule_and_repayments(superuser_client: Client):
    loan = draw(principal="3000.00", term=3)

    response = superuser_client.get(admin_url(Loan, "change", loan.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "还款计划" in content  # the schedule; this client reads Chinese
    assert "还款记录" in content  # the repayments inline, its title translated too
    # Amounts read as money (issue #23): ¥1,000.00, not 1000.00.
    shown = re.findall(r'<td class="field-principal_shown">\s*<p>([^<]+)</p>', content)
    assert shown == [f"¥{i.principal_amount:,.2f}" for i in loan.installments.order_by("number")]
    assert 'name="_save"' not in content  # read-only


def test_the_borrower_page_shows_the_identity_number_masked_only(superuser_client: Client):
    id_number = make_id_number(sequence="987")
    bank_card = make_bank_card(number=424242)
    borrower = borrower_create(id_number=id_number, bank_card=bank_card)

    pages = [
        superuser_client.get(admin_url(Borrower, "changelist")),
        superuser_client.get(admin_url(Borrower, "change", borrower.pk)),
    ]

    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        assert borrower.id_number_masked in content
        assert id_number not in content
        assert bank_card not in content
        assert borrower.id_number_ciphertext not in content
        assert borrower.id_number_digest not in content
        assert borrower.bank_card_digest not in content
    assert borrower.bank_card_masked in pages[1].content.decode()


def test_journal_entries_cannot_be_added_changed_or_deleted_even_by_a_superuser(
    superuser_client: Client,
):
    draw(principal="1000.00", term=3)
    entry = JournalEntry.objects.first()
    assert entry is not None
    lines_before = list(JournalLine.objects.values_list("id", "account", "amount"))

    changelist = superuser_client.get(admin_url(JournalEntry, "changelist"))
    view = superuser_client.get(admin_url(JournalEntry, "change", entry.pk))

    assert changelist.status_code == view.status_code == 200
    assert admin_url(JournalEntry, "add") not in changelist.content.decode()
    assert "delete_selected" not in changelist.content.decode()
    assert 'name="_save"' not in view.content.decode()
    assert superuser_client.get(admin_url(JournalEntry, "add")).status_code == 403
    assert superuser_client.post(admin_url(JournalEntry, "add"), {}).status_code == 403
    changed = superuser_client.post(
        admin_url(JournalEntry, "change", entry.pk), {"memo": "edited", "value_date": "2027-01-01"}
    )
    assert changed.status_code == 403
    assert superuser_client.get(admin_url(JournalEntry, "delete", entry.pk)).status_code == 403
    assert superuser_client.post(admin_url(JournalEntry, "delete", entry.pk)).status_code == 403
    deleted = superuser_client.post(
        admin_url(JournalEntry, "changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert deleted.status_code in (200, 302, 403)
    assert JournalEntry.objects.filter(pk=entry.pk, memo=entry.memo).exists()
    assert list(JournalLine.objects.values_list("id", "account", "amount")) == lines_before
    model_admin = admin.site._registry[JournalEntry]
    request = view.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def product_form(**overrides: str) -> dict[str, str]:
    data = {
        "code": "PROMO",
        "name": "Promotion",
        "name_zh": "促销贷",  # both names are required (#22)
        "is_active": "on",
        "methods": "EQUAL_INSTALLMENT",
        "terms": "6,12",
        "min_amount": "100.00",
        "max_amount": "30000.00",
        "annual_rate": "0.120000",
        "rates_by_grade": "{}",
        "fee_rate": "0",
        "rate_cap": "0.240000",
        "grace_days": "3",
        "penalty_multiplier": "1.5",
        "write_off_days": "180",
        "freeze_days": "30",
        "allocation_rules": json.dumps(default_allocation_rules()),
        "change_reason": "Price review",  # required when a product changes (issue #23)
    }
    return data | overrides


def test_a_product_above_the_rate_cap_shows_the_error_and_saves_nothing(
    superuser_client: Client,
):
    response = superuser_client.post(
        admin_url(LoanProduct, "add"), product_form(annual_rate="0.300000")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "annual_rate" in form.errors
    assert "cap" in " ".join(form.errors["annual_rate"]).lower()
    assert "errornote" in response.content.decode()
    assert not LoanProduct.objects.exists()


def test_a_product_cap_above_the_platform_cap_is_refused(superuser_client: Client):
    response = superuser_client.post(
        admin_url(LoanProduct, "add"), product_form(rate_cap="0.300000")
    )

    assert response.status_code == 200
    assert "rate_cap" in response.context["adminform"].form.errors
    assert not LoanProduct.objects.exists()


def test_editing_a_product_above_the_cap_leaves_it_unchanged(superuser_client: Client):
    product = cast(LoanProduct, ProductFactory())
    data = product_form(
        code=product.code,
        methods=",".join(product.methods),
        terms=",".join(str(t) for t in product.terms),
        rates_by_grade=json.dumps(product.rates_by_grade | {"E": "0.300000"}),
    )

    response = superuser_client.post(admin_url(LoanProduct, "change", product.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.rates_by_grade["E"] == "0.239000"


def test_a_valid_product_is_saved(superuser_client: Client):
    response = superuser_client.post(admin_url(LoanProduct, "add"), product_form())

    assert response.status_code == 302
    product = LoanProduct.objects.get(code="PROMO")
    assert (product.methods, product.terms, product.annual_rate) == (
        ["EQUAL_INSTALLMENT"],
        [6, 12],
        Decimal("0.120000"),
    )
