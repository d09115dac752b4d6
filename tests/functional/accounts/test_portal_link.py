"""A partner's borrower opens their account in the portal (issue #18, PRODUCT §10: borrowers see
their bills in the portal): signed in by SMS code with the mobile the shop registered, they type
the identity number the shop has, and the shop's borrower becomes theirs."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.adapter import AccountAdapter
from accounts.models import AuditEvent, Borrower, Partner, User
from accounts.portal_link import borrower_portal_link
from accounts.selectors import partner_borrowers_for_phone
from tests.factories.accounts import borrower_create, make_id_number, partner_create

MOBILE = "13912345678"
ID_NUMBER = make_id_number(birth_date=date(1992, 4, 9), sequence="318")
OTHER_ID_NUMBER = make_id_number(birth_date=date(1988, 11, 2), sequence="207")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth keeps its rate-limit counters in the cache
    yield
    cache.clear()


@pytest.fixture
def shop(db) -> Partner:
    return partner_create(name="Mi Store 小米商城")


@pytest.fixture
def shop_borrower(shop: Partner) -> Borrower:
    return borrower_create(partner=shop, external_id="MI-U-1", mobile=MOBILE, id_number=ID_NUMBER)


def phone_user(mobile: str = MOBILE, *, verified: bool = True) -> User:
    username = f"u{mobile}-{User.objects.count()}"
    user = User.objects.create_user(username=username, password="correct-horse-battery-9")
    AccountAdapter().set_phone(user, mobile, verified)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the service ------------------------------------------------------------------------------


def test_the_identity_number_on_file_opens_the_shops_borrower_to_the_user(shop_borrower, shop):
    user = phone_user()
    assert partner_borrowers_for_phone(user=user) == [shop_borrower]

    linked = borrower_portal_link(user=user, id_number=ID_NUMBER.lower())

    linked.refresh_from_db()
    assert (linked.pk, linked.user_id, linked.partner_id) == (shop_borrower.pk, user.pk, shop.pk)
    assert linked.external_id == "MI-U-1"
    event = AuditEvent.objects.get(action="borrower.portal_linked")
    assert (event.actor_id, event.target_id, event.details) == (
        user.pk,
        str(shop_borrower.pk),
        {"partner": shop.code},
    )
    assert partner_borrowers_for_phone(user=user) == []


@pytest.mark.parametrize(
    ("typed", "code"),
    [(OTHER_ID_NUMBER, "link_no_match"), ("11010519920409318", "id_number_length")],
)
def test_another_or_a_malformed_number_opens_nothing(shop_borrower, typed, code):
    user = phone_user()
    with pytest.raises(ValidationError) as refused:
        borrower_portal_link(user=user, id_number=typed)
    assert [e.code for e in refused.value.error_dict["id_number"]] == [code]
    assert Borrower.objects.get(pk=shop_borrower.pk).user_id is None
    assert not AuditEvent.objects.filter(action="borrower.portal_linked").exists()


def test_the_number_must_be_the_one_on_file_for_this_mobile(shop, shop_borrower):
    """The right identity number with another phone opens nothing: both proofs are needed."""
    user = phone_user("13700001111")
    assert partner_borrowers_for_phone(user=user) == []
    with pytest.raises(ValidationError) as refused:
        borrower_portal_link(user=user, id_number=ID_NUMBER)
    assert [e.code for e in refused.value.error_dict["id_number"]] == ["link_no_match"]
    assert Borrower.objects.get(pk=shop_borrower.pk).user_id is None


def test_an_unconfirmed_phone_opens_nothing(shop_borrower):
    user = phone_user(verified=False)
    assert partner_borrowers_for_phone(user=user) == []
    with pytest.raises(ValidationError) as refused:
        borrower_portal_link(user=user, id_number=ID_NUMBER)
    assert [e.code for e in refused.value.error_dict["user"]] == ["phone_unverified"]
    assert Borrower.objects.get(pk=shop_borrower.pk).user_id is None


def test_a_user_with_a_profile_of_their_own_links_nothing(shop_borrower):
    user = phone_user()
    borrower_create(user=user, mobile=MOBILE)
    assert partner_borrowers_for_phone(user=user) == []
    with pytest.raises(ValidationError) as refused:
        borrower_portal_link(user=user, id_number=ID_NUMBER)
    assert [e.code for e in refused.value.error_dict["user"]] == ["user_already_borrower"]
    assert Borrower.objects.get(pk=shop_borrower.pk).user_id is None


def test_two_shops_borrowers_of_one_person_are_left_to_the_service_desk(shop_borrower):
    other_shop = partner_create(name="JD 京东")
    second = borrower_create(partner=other_shop, mobile=MOBILE, id_number=ID_NUMBER)
    user = phone_user()
    assert {b.pk for b in partner_borrowers_for_phone(user=user)} == {shop_borrower.pk, second.pk}
    with pytest.raises(ValidationError) as refused:
        borrower_portal_link(user=user, id_number=ID_NUMBER)
    assert [e.code for e in refused.value.error_dict["id_number"]] == ["link_ambiguous"]
    assert not Borrower.objects.filter(user=user).exists()


def test_a_borrower_already_opened_to_someone_is_not_offered_again(shop_borrower):
    borrower_portal_link(user=phone_user(), id_number=ID_NUMBER)
    # The number changed hands: its new owner signs up with it (the old user keeps the phone
    # stored; the uniqueness of sign-in phones is the adapter's, not this test's).
    User.objects.filter(borrower=shop_borrower).update(phone_digest="", phone_ciphertext="")
    newcomer = phone_user()
    assert partner_borrowers_for_phone(user=newcomer) == []
    with pytest.raises(ValidationError):
        borrower_portal_link(user=newcomer, id_number=ID_NUMBER)


# --- the pages --------------------------------------------------------------------------------


def test_the_welcome_page_offers_the_shops_account(shop_borrower):
    client = signed_in(phone_user())
    page = client.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Mi Store 小米商城 opened a credit account for this mobile number." in page.text
    assert "Open my account" in page.text
    chinese = client.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "Mi Store 小米商城 已为这个手机号码开通信用账户。" in chinese.text


def test_the_bills_lead_to_the_link_page_and_the_number_opens_them(shop_borrower):
    client = signed_in(phone_user())
    answer = client.get(reverse("portal:bills"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert answer.redirect_chain[-1][0] == reverse("portal:profile")
    assert "Complete your profile first." not in answer.text
    assert "Your account from the shop" in answer.text
    assert "Mi Store 小米商城 opened a credit account for 1********78." in answer.text
    assert "张三" not in answer.text  # nobody's name before the number is proved

    opened = client.post(
        reverse("portal:profile"), {"id_number": ID_NUMBER}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert opened.redirect_chain[-1][0] == reverse("portal:dashboard")  # no revolving account
    assert "Your account is open here now." in opened.text
    assert Borrower.objects.get(pk=shop_borrower.pk).user is not None
    assert "Hello, 张三" in opened.text  # the shop's borrower is the user's now


def test_a_wrong_number_is_said_on_the_field_and_five_an_hour_are_tried(shop_borrower):
    client = signed_in(phone_user())
    url = reverse("portal:profile")
    for _ in range(5):
        wrong = client.post(url, {"id_number": OTHER_ID_NUMBER}, HTTP_ACCEPT_LANGUAGE="en")
        assert wrong.status_code == 200
        assert "This is not the identity number the shop has for your mobile number." in wrong.text
    blocked = client.post(url, {"id_number": ID_NUMBER}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many tries: wait an hour and try again." in blocked.text
    assert Borrower.objects.get(pk=shop_borrower.pk).user_id is None


def test_someone_else_s_old_number_leads_to_a_profile_of_ones_own(shop_borrower):
    client = signed_in(phone_user())
    page = client.get(reverse("portal:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{reverse("portal:profile")}?new=1"' in page.text
    own = client.get(reverse("portal:profile") + "?new=1", HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="full_name"' in own.text
    assert 'name="bank_card"' in own.text
