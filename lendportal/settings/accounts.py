"""Signing in (issues #5, #16, #22, docs/portal.md "Signing in"): allauth for borrowers and staff,
phone and SMS codes, email, rate limits and TOTP. Imported by base.py."""

from __future__ import annotations

from lendportal.env import env_str

# Everyone signs in through allauth (the admin's login too, lendportal/urls.py): borrowers by
# email, staff by username, with allauth's rate limits and the TOTP step (required for staff,
# accounts.middleware). ModelBackend answers has_perm for the admin.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Borrower accounts (django-allauth 65.x, issues #5 and #22, docs/portal.md). Nothing works
# before a mobile (SMS code) or an email address (link) is verified; one address, changed by
# verifying the new one; optional TOTP with recovery codes.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
# Sign-up and sign-in by mainland mobile number and a six-digit SMS code (#22, docs/portal.md
# "Signing in"): the phone is stored by accounts.adapter, the forms are accounts.forms (no
# password at sign-up). Email is optional (statements); accounts made with an email and a
# password keep signing in with them ("password1" here keeps the password field on the sign-in
# form; accounts.stages lets accounts without a phone through), staff by username.
ACCOUNT_LOGIN_METHODS = {"phone", "email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1"]
ACCOUNT_FORMS = {
    "signup": "accounts.forms.PhoneSignupForm",
    "request_login_code": "accounts.forms.PhoneLoginCodeForm",
    "verify_phone": "accounts.forms.SmsCodeVerifyPhoneForm",
    "confirm_login_code": "accounts.forms.SmsCodeConfirmLoginCodeForm",
}
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60  # seconds a code is good for
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 5
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 5 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 5
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 5
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# Seconds before a new code may be asked for: the code pages count down from the last SMS.
LENDPORTAL_SMS_RESEND_SECONDS = 60
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LendPortal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LendPortal <noreply@lendportal.example>")
# allauth's rate limits, stored in the shared Redis cache so every web process counts together.
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    # SMS codes (#22): per number ("key") one a minute and 10 an hour, per address 30 an hour.
    "request_login_code": "1/m/key,10/h/key,30/h/ip",
    "verify_phone": "1/m/key,10/h/key,30/h/ip",
    # A partner's borrower opening their account in the portal (#18): identity numbers typed.
    "portal_link": "5/h/user,30/h/ip",
    "change_phone": "1/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LendPortal"
# TOTP secrets and recovery-code seeds are stored encrypted (docs/identity.md, issue #16).
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # emails name the platform (#22)
