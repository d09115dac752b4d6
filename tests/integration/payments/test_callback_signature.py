"""Gateway callbacks are trusted only when signed: HMAC-SHA256 of the raw body (PRODUCT §11)."""

from __future__ import annotations

import hashlib
import hmac

from loans.payments.gateway import callback_signature, callback_signature_valid, gateway

BODY = b'{"key":"collect-1-1","outcome":"SUCCEEDED","amount":"916.80"}'
SECRET = "gateway-callback-secret-for-tests"


def test_the_signature_is_the_hex_hmac_sha256_of_the_body():
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()

    assert callback_signature(body=BODY, secret=SECRET) == expected


def test_a_valid_signature_is_accepted_in_either_case():
    signature = callback_signature(body=BODY, secret=SECRET)

    assert callback_signature_valid(body=BODY, signature=signature, secret=SECRET)
    assert callback_signature_valid(body=BODY, signature=signature.upper(), secret=SECRET)


def test_a_tampered_body_is_refused():
    signature = callback_signature(body=BODY, secret=SECRET)
    tampered = BODY.replace(b"916.80", b"9168.0")

    assert not callback_signature_valid(body=tampered, signature=signature, secret=SECRET)


def test_a_signature_made_with_another_secret_is_refused():
    signature = callback_signature(body=BODY, secret="another-secret")

    assert not callback_signature_valid(body=BODY, signature=signature, secret=SECRET)


def test_without_a_configured_secret_nothing_is_valid():
    signature = callback_signature(body=BODY, secret="")

    assert not callback_signature_valid(body=BODY, signature=signature, secret="")


def test_the_gateway_verifies_with_the_configured_secret(settings):
    settings.LENDPORTAL_GATEWAY_CALLBACK_SECRET = SECRET
    good = callback_signature(body=BODY, secret=SECRET)
    bad = callback_signature(body=BODY, secret="another-secret")

    assert gateway().callback_verify(body=BODY, signature=good)
    assert not gateway().callback_verify(body=BODY, signature=bad)
    assert not gateway().callback_verify(body=BODY + b" ", signature=good)
    assert not gateway().callback_verify(body=BODY, signature="")
