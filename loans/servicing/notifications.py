"""Channel backends for borrower notifications: email and SMS (PRODUCT §5).

Email goes through Django's mail API, so ``EMAIL_BACKEND`` chooses the transport (console in
development, locmem in tests, SMTP or a provider's Django backend in production).

SMS goes through ``LENDPORTAL_SMS_BACKEND``, a dotted path to a class that implements
``SmsBackend``: ``send(*, to, text) -> str`` delivers one message and returns the provider's
message id, or raises. Console, file and locmem backends are for development and tests; a
production provider implements the same method (see ``HttpSmsAdapter`` and docs/reminders.md).

Backends never log the recipient or the text: both are personal data.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    """Delivers one SMS; raises on failure (the sender retries, then marks it failed)."""

    def send(self, *, to: str, text: str) -> str:
        """Send ``text`` to the mainland mobile number ``to``; return the provider message id."""
        ...


class ConsoleSmsBackend:
    """Writes each SMS to standard output (local development)."""

    def send(self, *, to: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        print(f"[SMS {message_id}] to {to}: {text}")
        return message_id


class FileSmsBackend:
    """Appends each SMS as one JSON line to ``LENDPORTAL_SMS_FILE_PATH`` (demos, manual QA)."""

    _lock = threading.Lock()

    def send(self, *, to: str, text: str) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        path = Path(settings.LENDPORTAL_SMS_FILE_PATH)
        line = json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False)
        with FileSmsBackend._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as file:
                file.write(line + "\n")
        return message_id


class SmsMessage:
    """An SMS kept by ``LocmemSmsBackend``."""

    def __init__(self, *, message_id: str, to: str, text: str) -> None:
        self.message_id = message_id
        self.to = to
        self.text = text

    def __repr__(self) -> str:
        return f"SmsMessage({self.message_id!r})"


class LocmemSmsBackend:
    """Keeps each SMS in the class-level ``outbox`` (tests), like Django's locmem email."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, *, to: str, text: str) -> str:
        message_id = f"locmem-{uuid.uuid4().hex}"
        LocmemSmsBackend.outbox.append(SmsMessage(message_id=message_id, to=to, text=text))
        return message_id


class HttpSmsAdapter:
    """The shape of a production SMS provider integration; a stub that sends nothing.

    A real adapter (Aliyun SMS, Tencent Cloud SMS, …) implements ``send`` to:

    - POST the number and text (or the provider's approved template code and parameters, as
      mainland providers require a registered signature 【…】 and template) over HTTPS with a
      timeout of a few seconds, authenticated by keys read from settings/environment;
    - return the provider's message id, which the sender stores on the reminder;
    - raise on any refusal or transport error, with a message that holds no number or text (the
      sender stores only the exception class, retries 3 times, then marks the reminder FAILED);
    - log nothing personal.

    It raises NotImplementedError until a provider is chosen: no network here.
    """

    def send(self, *, to: str, text: str) -> str:
        raise NotImplementedError("HttpSmsAdapter is a stub: implement a provider adapter.")


def sms_backend() -> SmsBackend:
    """Return an instance of the backend named by ``LENDPORTAL_SMS_BACKEND``."""
    backend: SmsBackend = import_string(settings.LENDPORTAL_SMS_BACKEND)()
    return backend


def sms_send(*, to: str, text: str) -> str:
    """Send one SMS through the configured backend; return the provider message id."""
    return sms_backend().send(to=to, text=text)


def email_send(*, to: str, subject: str, body: str) -> str:
    """Send one plain-text email through ``EMAIL_BACKEND``; return "" (Django's mail API gives
    no provider message id)."""
    send_mail(
        subject=subject,
        message=body,
        from_email=settings.LENDPORTAL_REMINDER_FROM_EMAIL,
        recipient_list=[to],
        fail_silently=False,
    )
    return ""
