"""Proof that the books balance and every loan's balances equal its ledger (PRODUCT §3).

Each check is one set-based SQL query returning the rows that disagree; an empty result means
the check holds. ``manage.py reconcile`` prints them and exits non-zero on any disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

# (name, what it proves, SQL returning one row per disagreement)
CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "entries_balanced",
        "every journal entry's lines sum to zero and it has at least two",
        """
        SELECT e.id, coalesce(sum(l.amount), 0) AS total, count(l.id) AS lines
        FROM loans_journalentry e LEFT JOIN loans_journalline l ON l.entry_id = e.id
        GROUP BY e.id HAVING coalesce(sum(l.amount), 0) <> 0 OR count(l.id) < 2
        """,
    ),
    (
        "loan_balances_equal_ledger",
        "each loan's balance columns equal the sums of its sub-ledger by account",
        """
        WITH ledger AS (
            SELECT loan_id,
                sum(amount) FILTER (WHERE account = 'PRINCIPAL_RECEIVABLE') AS principal,
                sum(amount) FILTER (WHERE account = 'INTEREST_RECEIVABLE') AS interest,
                sum(amount) FILTER (WHERE account = 'FEE_RECEIVABLE') AS fee,
                sum(amount) FILTER (WHERE account = 'PENALTY_RECEIVABLE') AS penalty,
                -sum(amount) FILTER (WHERE account = 'ADVANCE_LIABILITY') AS advance,
                -sum(amount) FILTER (WHERE account = 'OVERPAYMENT_LIABILITY') AS overpayment
            FROM loans_journalline WHERE loan_id IS NOT NULL GROUP BY loan_id
        )
        SELECT l.id,
            l.principal_outstanding_amount, coalesce(g.principal, 0),
            l.interest_receivable_amount, coalesce(g.interest, 0),
            l.fee_receivable_amount, coalesce(g.fee, 0),
            l.penalty_receivable_amount, coalesce(g.penalty, 0),
            l.advance_amount, coalesce(g.advance, 0),
            l.overpayment_amount, coalesce(g.overpayment, 0)
        FROM loans_loan l LEFT JOIN ledger g ON g.loan_id = l.id
        WHERE l.principal_outstanding_amount <> coalesce(g.principal, 0)
           OR l.interest_receivable_amount <> coalesce(g.interest, 0)
           OR l.fee_receivable_amount <> coalesce(g.fee, 0)
           OR l.penalty_receivable_amount <> coalesce(g.penalty, 0)
           OR l.advance_amount <> coalesce(g.advance, 0)
           OR l.overpayment_amount <> coalesce(g.overpayment, 0)
        """,
    ),
    (
        "loan_balances_equal_schedule",
        "each open loan's receivables equal what its installments say is owed",
        """
        WITH owed AS (
            SELECT loan_id,
                sum(principal_amount - principal_paid_amount) AS principal,
                sum(interest_accrued_amount - interest_paid_amount - interest_waived_amount)
                    AS interest,
                sum(fee_charged_amount - fee_paid_amount - fee_waived_amount) AS fee,
                sum(penalty_charged_amount - penalty_paid_amount - penalty_waived_amount)
                    AS penalty
            FROM loans_installment GROUP BY loan_id
        )
        SELECT l.id, l.status,
            l.principal_outstanding_amount, o.principal, l.interest_receivable_amount, o.interest,
            l.fee_receivable_amount, o.fee, l.penalty_receivable_amount, o.penalty
        FROM loans_loan l JOIN owed o ON o.loan_id = l.id
        WHERE l.status IN ('ACTIVE', 'PAID_OFF')
          AND (l.principal_outstanding_amount <> o.principal
               OR l.interest_receivable_amount <> o.interest
               OR l.fee_receivable_amount <> o.fee
               OR l.penalty_receivable_amount <> o.penalty)
        """,
    ),
    (
        "closed_loans_owe_nothing",
        "paid-off, written-off and cancelled loans carry no receivable",
        """
        SELECT id, status, principal_outstanding_amount, interest_receivable_amount,
            fee_receivable_amount, penalty_receivable_amount
        FROM loans_loan
        WHERE status IN ('PAID_OFF', 'WRITTEN_OFF', 'CANCELLED')
          AND (principal_outstanding_amount <> 0 OR interest_receivable_amount <> 0
               OR fee_receivable_amount <> 0 OR penalty_receivable_amount <> 0)
        """,
    ),
    (
        "credit_lines_equal_loans",
        "each credit line's used amount is the principal not repaid of its open loans and of "
        "its revolving account",
        """
        WITH used AS (
            SELECT credit_line_id, sum(used) AS used FROM (
                SELECT credit_line_id, CASE WHEN status = 'PENDING_DISBURSEMENT'
                    THEN principal_amount ELSE principal_outstanding_amount END AS used
                FROM loans_loan WHERE status IN ('PENDING_DISBURSEMENT', 'ACTIVE')
                UNION ALL
                SELECT credit_line_id, principal_amount FROM revolving_revolvingaccount
            ) parts GROUP BY credit_line_id
        )
        SELECT c.id, c.used_amount, coalesce(u.used, 0)
        FROM loans_creditline c LEFT JOIN used u ON u.credit_line_id = c.id
        WHERE c.used_amount <> coalesce(u.used, 0)
        """,
    ),
    (
        "revolving_balances_equal_ledger",
        "each revolving account's principal equals the sum of its sub-ledger",
        """
        WITH ledger AS (
            SELECT revolving_account_id, sum(amount) AS principal FROM loans_journalline
            WHERE revolving_account_id IS NOT NULL AND account = 'REVOLVING_RECEIVABLE'
            GROUP BY revolving_account_id
        )
        SELECT a.id, a.principal_amount, coalesce(g.principal, 0)
        FROM revolving_revolvingaccount a LEFT JOIN ledger g ON g.revolving_account_id = a.id
        WHERE a.principal_amount <> coalesce(g.principal, 0)
        """,
    ),
    (
        "revolving_principal_equals_bills_and_purchases",
        "each revolving account's principal is what its bills, unbilled purchases and future "
        "plan installments still owe",
        """
        WITH billed AS (
            SELECT account_id, sum(revolving_principal_unpaid_amount
                                   + installment_principal_unpaid_amount) AS owed
            FROM revolving_statement GROUP BY account_id
        ), unbilled AS (
            SELECT account_id, sum(amount - refunded_amount - paid_amount) AS owed
            FROM revolving_order
            WHERE status = 'CAPTURED' AND statement_id IS NULL AND plan_term IS NULL
            GROUP BY account_id
        ), future AS (
            SELECT account_id, sum(principal_amount) AS owed FROM revolving_planinstallment
            WHERE statement_id IS NULL GROUP BY account_id
        )
        SELECT a.id, a.principal_amount,
            coalesce(b.owed, 0) + coalesce(u.owed, 0) + coalesce(f.owed, 0)
        FROM revolving_revolvingaccount a
        LEFT JOIN billed b ON b.account_id = a.id LEFT JOIN unbilled u ON u.account_id = a.id
        LEFT JOIN future f ON f.account_id = a.id
        WHERE a.principal_amount <> coalesce(b.owed, 0) + coalesce(u.owed, 0) + coalesce(f.owed, 0)
        """,
    ),
    (
        "revolving_charges_equal_ledger",
        "each revolving account's interest, penalty and fee receivable and its credit balance "
        "equal its sub-ledger and what its bills and the charges since the last cut still owe",
        """
        WITH ledger AS (
            SELECT revolving_account_id,
                sum(amount) FILTER (WHERE account = 'INTEREST_RECEIVABLE') AS interest,
                sum(amount) FILTER (WHERE account = 'PENALTY_RECEIVABLE') AS penalty,
                sum(amount) FILTER (WHERE account = 'FEE_RECEIVABLE') AS fees,
                -sum(amount) FILTER (WHERE account = 'OVERPAYMENT_LIABILITY') AS credit
            FROM loans_journalline WHERE revolving_account_id IS NOT NULL
            GROUP BY revolving_account_id
        ), billed AS (
            SELECT account_id, sum(interest_unpaid_amount) AS interest,
                sum(penalty_unpaid_amount) AS penalty, sum(fees_unpaid_amount) AS fees
            FROM revolving_statement GROUP BY account_id
        )
        SELECT a.id, coalesce(g.interest, 0), a.unbilled_interest_amount + coalesce(b.interest, 0),
            coalesce(g.penalty, 0), a.unbilled_penalty_amount + coalesce(b.penalty, 0),
            coalesce(g.fees, 0), coalesce(b.fees, 0),
            coalesce(g.credit, 0), a.credit_balance_amount
        FROM revolving_revolvingaccount a
        LEFT JOIN ledger g ON g.revolving_account_id = a.id
        LEFT JOIN billed b ON b.account_id = a.id
        WHERE coalesce(g.interest, 0) <> a.unbilled_interest_amount + coalesce(b.interest, 0)
           OR coalesce(g.penalty, 0) <> a.unbilled_penalty_amount + coalesce(b.penalty, 0)
           OR coalesce(g.fees, 0) <> coalesce(b.fees, 0)
           OR coalesce(g.credit, 0) <> a.credit_balance_amount
        """,
    ),
    (
        "disbursements_cleared",
        "the disbursement clearing account holds exactly the payouts not yet settled",
        """
        SELECT coalesce((SELECT -sum(amount) FROM loans_journalline
                         WHERE account = 'DISBURSEMENT_CLEARING'), 0) AS clearing,
               coalesce((SELECT sum(amount) FROM loans_payout WHERE status = 'SENT'), 0) AS sent
        WHERE coalesce((SELECT -sum(amount) FROM loans_journalline
                        WHERE account = 'DISBURSEMENT_CLEARING'), 0)
           <> coalesce((SELECT sum(amount) FROM loans_payout WHERE status = 'SENT'), 0)
        """,
    ),
    (
        "provisions_equal_classification",
        "the loan-loss provision account holds the provisions of the latest classified month end",
        """
        WITH ledger AS (
            SELECT coalesce(-sum(amount), 0) AS held FROM loans_journalline
            WHERE account = 'LOAN_LOSS_PROVISION'
        ), stored AS (
            SELECT coalesce(sum(provision_amount), 0) AS provisions
            FROM reporting_loanclassification
            WHERE month_end = (SELECT max(month_end) FROM reporting_loanclassification)
        )
        SELECT ledger.held, stored.provisions FROM ledger, stored
        WHERE ledger.held <> stored.provisions
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    description: str
    failures: list[tuple[object, ...]]

    @property
    def ok(self) -> bool:
        return not self.failures


def books_reconcile(*, limit: int = 20) -> list[CheckResult]:
    """Run every check; each result lists up to ``limit`` disagreeing rows."""
    results = []
    with connection.cursor() as cursor:
        for name, description, sql in CHECKS:
            cursor.execute(f"{sql} LIMIT %s", [limit])
            results.append(CheckResult(name, description, list(cursor.fetchall())))
    return results


def books_totals() -> dict[str, str]:
    """Return the balance of every account (debit positive), for the report."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account, sum(amount) FROM loans_journalline GROUP BY account ORDER BY account"
        )
        return {account: f"{total:.2f}" for account, total in cursor.fetchall()}
