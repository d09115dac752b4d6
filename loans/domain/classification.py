"""Five-level loan classification (五级分类) and provision stages (PRODUCT §13).

Pure rules over days past due (PRODUCT §2.4) and whether the loan is written off:

- class: ``NORMAL`` (DPD 0), ``SPECIAL_MENTION`` (1-90), ``SUBSTANDARD`` (91-270),
  ``DOUBTFUL`` (271-360), ``LOSS`` (> 360 or written off); a restructured loan is at least
  ``SUBSTANDARD`` (for its first 6 months; the caller says whether that applies).
- stage (expected credit loss, CAS 22): 1 (DPD 0-30), 2 (31-90), 3 (> 90 or written off);
  a restructured loan is stage 3: §13 is silent; the 2023 rules on risk classification
  (商业银行金融资产风险分类办法) tie 次级 and worse to credit impairment, and a credit-impaired
  asset is stage 3 under CAS 22, so a loan held at ``SUBSTANDARD`` is provisioned as one.
  Nothing restructures a loan yet, so the month-end SQL has no such case.
- allowance = exposure * the stage's rate (defaults 1%, 15%, 70%), rounded to the fen HALF_UP.

The month-end SQL (loans/reporting/services/classification.py) is built from the same
boundaries (``*_MAX_DAYS`` below) and rates.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType

from loans.domain.errors import DomainError
from loans.domain.money import decimal_context, require_decimal, round_money

# The last DPD of each class and stage (PRODUCT §13); one more day moves the loan on.
NORMAL_MAX_DAYS = 0
SPECIAL_MENTION_MAX_DAYS = 90
SUBSTANDARD_MAX_DAYS = 270
DOUBTFUL_MAX_DAYS = 360
STAGE_1_MAX_DAYS = 30
STAGE_2_MAX_DAYS = 90


class InvalidClassificationInput(DomainError):
    """Days past due or an exposure is negative, or a stage has no rate."""


class RiskClass(StrEnum):
    """The five regulatory classes, from best to worst (正常, 关注, 次级, 可疑, 损失)."""

    NORMAL = "NORMAL"
    SPECIAL_MENTION = "SPECIAL_MENTION"
    SUBSTANDARD = "SUBSTANDARD"
    DOUBTFUL = "DOUBTFUL"
    LOSS = "LOSS"


class ProvisionStage(IntEnum):
    """Expected-credit-loss stages of CAS 22 (企业会计准则第22号)."""

    STAGE_1 = 1
    STAGE_2 = 2
    STAGE_3 = 3


DEFAULT_PROVISION_RATES: MappingProxyType[ProvisionStage, Decimal] = MappingProxyType(
    {
        ProvisionStage.STAGE_1: Decimal("0.01"),
        ProvisionStage.STAGE_2: Decimal("0.15"),
        ProvisionStage.STAGE_3: Decimal("0.70"),
    }
)

_CLASS_ORDER = tuple(RiskClass)


@dataclass(frozen=True, slots=True)
class Classification:
    """A loan's class, stage, provision rate and allowance (CNY, to the fen) on one date."""

    risk_class: RiskClass
    stage: ProvisionStage
    provision_rate: Decimal
    provision_amount: Decimal


def risk_class_for(
    *, days_past_due: int, written_off: bool = False, restructured: bool = False
) -> RiskClass:
    """Return the five-level class (PRODUCT §13). Raises InvalidClassificationInput."""
    _require_days(days_past_due)
    if written_off or days_past_due > DOUBTFUL_MAX_DAYS:
        found = RiskClass.LOSS
    elif days_past_due > SUBSTANDARD_MAX_DAYS:
        found = RiskClass.DOUBTFUL
    elif days_past_due > SPECIAL_MENTION_MAX_DAYS:
        found = RiskClass.SUBSTANDARD
    elif days_past_due > NORMAL_MAX_DAYS:
        found = RiskClass.SPECIAL_MENTION
    else:
        found = RiskClass.NORMAL
    if restructured and _CLASS_ORDER.index(found) < _CLASS_ORDER.index(RiskClass.SUBSTANDARD):
        return RiskClass.SUBSTANDARD
    return found


def provision_stage_for(
    *, days_past_due: int, written_off: bool = False, restructured: bool = False
) -> ProvisionStage:
    """Return the ECL stage (PRODUCT §13; restructured: see the module's docstring)."""
    _require_days(days_past_due)
    if written_off or restructured or days_past_due > STAGE_2_MAX_DAYS:
        return ProvisionStage.STAGE_3
    if days_past_due > STAGE_1_MAX_DAYS:
        return ProvisionStage.STAGE_2
    return ProvisionStage.STAGE_1


def provision_amount_for(*, exposure: Decimal, rate: Decimal) -> Decimal:
    """Return exposure * rate rounded to the fen, ROUND_HALF_UP. Both must be ≥ 0."""
    require_decimal(exposure, name="exposure")
    require_decimal(rate, name="rate")
    if exposure < 0 or rate < 0:
        raise InvalidClassificationInput(f"exposure {exposure} and rate {rate} must be >= 0")
    with decimal_context():
        return round_money(exposure * rate)


def classify(
    *,
    days_past_due: int,
    exposure: Decimal,
    written_off: bool = False,
    restructured: bool = False,
    rates: Mapping[ProvisionStage, Decimal] = DEFAULT_PROVISION_RATES,
) -> Classification:
    """Return a loan's class, stage, rate and allowance on exposure (principal outstanding)."""
    stage = provision_stage_for(
        days_past_due=days_past_due, written_off=written_off, restructured=restructured
    )
    if stage not in rates:
        raise InvalidClassificationInput(f"no provision rate for stage {int(stage)}")
    rate = rates[stage]
    return Classification(
        risk_class=risk_class_for(
            days_past_due=days_past_due, written_off=written_off, restructured=restructured
        ),
        stage=stage,
        provision_rate=rate,
        provision_amount=provision_amount_for(exposure=exposure, rate=rate),
    )


def _require_days(days_past_due: int) -> None:
    if days_past_due < 0:
        raise InvalidClassificationInput(f"days past due {days_past_due} is negative")
