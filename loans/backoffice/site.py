"""The back office's admin site (issue #23): its own sign-in, a work home, models grouped by work.

Installed as the default admin site by ``loans.backoffice.admin_config.BackOfficeAdminConfig``
(in INSTALLED_APPS instead of ``django.contrib.admin``), so every ``admin.register`` lands here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from loans.backoffice import home, signin

# Each model's place on the home and in the side bar: the work it serves, then the order in it.
# A model not listed here is shown under "Other", so a new registration is never hidden.
WORK_GROUPS: list[tuple[str, Any, list[str]]] = [
    (
        "approvals",
        _("Approvals"),
        ["backoffice.pendingapproval", "backoffice.decidedapproval", "approvals.approvalrequest"],
    ),
    (
        "origination",
        _("Origination"),
        [
            "backoffice.referredapplication",
            "backoffice.pendingdisbursement",
            "origination.creditapplication",
            "origination.loanproduct",
        ],
    ),
    (
        "servicing",
        _("Servicing"),
        [
            "servicing.loan",
            "accounts.borrower",
            "servicing.creditline",
            "servicing.installment",
            "servicing.repayment",
            "servicing.loanevent",
            "servicing.reminder",
        ],
    ),
    ("collections", _("Collections"), ["backoffice.overdueloan"]),
    (
        "revolving",
        _("Revolving credit"),
        [
            "revolving.revolvingaccount",
            "revolving.order",
            "revolving.statement",
            "revolving.revolvingpayment",
            "revolving.revolvingproduct",
        ],
    ),
    (
        "money",
        _("Money rails and books"),
        [
            "payments.settlementdifference",
            "origination.payout",
            "payments.collectionrun",
            "payments.collectionattempt",
            "payments.settlementfile",
            "payments.merchantsettlement",
            "payments.merchantsettlementday",
            "ledger.journalentry",
        ],
    ),
    (
        "partners",
        _("Partners"),
        [
            "accounts.partner",
            "oauth2_provider.application",
            "oauth2_provider.accesstoken",
            "oauth2_provider.refreshtoken",
            "oauth2_provider.grant",
            "oauth2_provider.idtoken",
        ],
    ),
    (
        "system",
        _("System and access"),
        [
            "cob.cobrun",
            "calendar.businessdate",
            "accounts.auditevent",
            "accounts.user",
            "auth.group",
            "account.emailaddress",
            "mfa.authenticator",
        ],
    ),
]


def _model_key(model: dict[str, Any]) -> str:
    meta = model["model"]._meta
    return f"{meta.app_label}.{meta.model_name}"


def app_list_by_work(apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Regroup Django's per-app list into the groups of WORK_GROUPS, in their order."""
    models = {_model_key(model): _named(model) for app in apps for model in app["models"]}
    groups = []
    for key, label, members in WORK_GROUPS:
        listed = [models.pop(member) for member in members if member in models]
        if listed:
            groups.append(_group(key, str(label), listed))
    if models:
        rest = sorted(models.values(), key=lambda model: str(model["name"]))
        groups.append(_group("other", str(_("Other")), rest))
    return groups


def _named(model: dict[str, Any]) -> dict[str, Any]:
    """The model's name in the reader's language. The back office's own apps name their models
    with ``verbose_name = _("…")`` (issue #23), which Django translates everywhere (titles,
    breadcrumbs); the rest (revolving, payments, ledger, third-party apps) still have class
    names, and the catalogue carries them (e.g. "Revolving accounts": 循环额度账户)."""
    return {**model, "name": gettext(str(model["name"]))}


def _group(key: str, label: str, models: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": label,
        "app_label": key,
        "app_url": f"{reverse('admin:index')}#work-{key}",
        "has_module_perms": True,
        "models": models,
    }


class BackOfficeSite(admin.AdminSite):
    site_header = _("LendPortal back office")
    site_title = _("LendPortal back office")
    index_title = _("Work home")
    index_template = "admin/backoffice/home.html"
    # No model list beside every page: the work home and the breadcrumbs lead everywhere, and
    # the lists keep the width they need at 1280 px (issue #23).
    enable_nav_sidebar = False

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        return apps if app_label else app_list_by_work(apps)

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        user = request.user
        work: dict[str, Any] = {}
        if isinstance(user, User):
            work = {
                "queues": home.queue_tiles(user=user),
                "mine": home.waiting_for_me(user=user),
                "today": home.today_state(),
            }
        return super().index(request, {**work, **(extra_context or {})})

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return signin.staff_login(request)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        own = [
            path("login/code/", signin.staff_signin_code, name="signin_code"),
            path(
                "security/totp/",
                self.admin_view(signin.staff_totp_enrol),
                name="staff_totp_enrol",
            ),
        ]
        return own + super().get_urls()
