"""allauth's sign-in stages as LendPortal runs them (AccountAdapter.get_login_stages, #22)."""

from __future__ import annotations

from typing import Any

from allauth.account import stages
from allauth.account.adapter import get_adapter


class PhoneVerificationStage(stages.PhoneVerificationStage):
    """allauth's phone stage, except that an account without a phone signs in.

    With "phone*" in ACCOUNT_SIGNUP_FIELDS allauth stops every sign-in of a user who has no phone
    number; accounts made with an email and a password before #22, and staff, have none. They
    go on; a user with an unconfirmed number is asked for its code, as allauth does.
    """

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is not None and user.pk and get_adapter().get_phone(user) is None:
            return None, True
        return super().handle()
