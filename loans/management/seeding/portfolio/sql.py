"""The SQL of a portfolio seed: the temporary tables, the chunk's statements and COPY columns."""

SESSION_SQL = """
CREATE TEMP TABLE seed_template (
    id int PRIMARY KEY, product_id bigint, method text, term int, installments int,
    principal numeric(14, 2), annual_rate numeric(8, 6), fee_rate numeric(8, 6), apr numeric(8, 6)
);
CREATE TEMP TABLE seed_template_row (
    template_id int, number int, start_months int, due_months int, principal numeric(14, 2),
    interest numeric(14, 2), fee numeric(14, 2), principal_through numeric(14, 2),
    interest_through numeric(14, 2), fee_through numeric(14, 2),
    PRIMARY KEY (template_id, number)
);
CREATE TEMP TABLE seed_profile (
    id int PRIMARY KEY, grade text, grade_index int, annual_rate numeric(8, 6),
    limit_amount numeric(14, 2), score int, points jsonb, inputs jsonb
);
CREATE TEMP TABLE seed_product (
    id bigint PRIMARY KEY, penalty_multiplier numeric(4, 2), grace_days int, write_off_days int,
    rate_cap numeric(8, 6), allocation_rules jsonb, freeze_days int
);
CREATE TEMP TABLE seed_mix (
    method_slots int[], term_slots int[], status_slots int[], cash_slots int[], shop_slots int[]
);
"""

STAGING_SQL = """
CREATE TEMP TABLE seed_borrower (
    borrower_id bigint PRIMARY KEY, loans int, profile_id int, grade_index int,
    applied_date date, age int, cash_slot_count int, shop_slot_count int, full_name text,
    decided_at timestamptz,
    application_id bigint DEFAULT nextval(%(application_sequence)s::regclass),
    line_id bigint DEFAULT nextval(%(line_sequence)s::regclass)
) ON COMMIT DROP
"""

# One row per loan of the chunk: its draws, its dates, and where its schedule stands on D - 1.
# p = installments paid (all those due before D, except for an overdue loan), q = installments
# due before D; installment q + 1, if any, is the one whose period contains D - 1.
LOANS_SQL = """
CREATE TEMP TABLE seed_loan ON COMMIT DROP AS
WITH drawn AS (
    SELECT b.borrower_id, b.line_id, b.full_name, b.grade_index, b.cash_slot_count,
           b.shop_slot_count, random() AS u_method, random() AS u_term, random() AS u_amount,
           random() AS u_status, random() AS u_days, random() AS u_paid, random() AS u_start
    FROM seed_borrower b CROSS JOIN LATERAL generate_series(1, b.loans)
), picked AS MATERIALIZED (
    SELECT d.*, m.method_slots[1 + floor(d.u_method * cardinality(m.method_slots))::int] AS method,
           m.term_slots[1 + floor(d.u_term * cardinality(m.term_slots))::int] AS term_index,
           m.status_slots[1 + floor(d.u_status * cardinality(m.status_slots))::int] AS status,
           m.cash_slots[1 + floor(d.u_amount * d.cash_slot_count)::int] AS cash_amount,
           m.shop_slots[1 + floor(d.u_amount * d.shop_slot_count)::int] AS shop_amount
    FROM drawn d CROSS JOIN seed_mix m
), templated AS MATERIALIZED (
    SELECT p.*, t.id AS template_id, t.product_id, t.method AS method_name, t.term,
           t.installments, t.principal, t.annual_rate, t.fee_rate, t.apr,
           floor(p.u_paid * t.installments)::int AS overdue_paid,
           (%(low_days)s::int[])[p.status + 1]
             + floor(p.u_days * ((%(high_days)s::int[])[p.status + 1]
                                 - (%(low_days)s::int[])[p.status + 1] + 1))::int AS target_days
    FROM picked p JOIN seed_template t ON t.id = (
        ((p.method * %(terms)s + p.term_index) * %(grades)s
          + CASE WHEN p.method = %(fee_method)s THEN 0 ELSE p.grade_index END) * %(amounts)s
        + CASE WHEN p.method = %(fee_method)s THEN p.shop_amount ELSE p.cash_amount END)
), started AS MATERIALIZED (
    SELECT t.*, CASE WHEN t.status = 0
        -- current: disbursed on one of the days that leave its last due date on or after D
        THEN %(last_closed)s::date - floor(t.u_start * (%(last_closed)s::date
             - (%(day)s::date - t.term * interval '1 month')::date))::int
        -- overdue: the first unpaid installment fell due target_days before D - 1
        ELSE (%(last_closed)s::date - t.target_days - CASE WHEN t.method_name = 'BULLET'
              THEN t.term ELSE t.overdue_paid + 1 END * interval '1 month')::date
        END AS start0
    FROM templated t
), dated AS MATERIALIZED (
    SELECT s.*, CASE WHEN s.status = 0 AND (s.start0 + s.term * interval '1 month')::date
                     < %(day)s::date THEN s.start0 + 3 ELSE s.start0 END AS start_date
    FROM started s
), counted AS MATERIALIZED (
    SELECT d.*, CASE WHEN d.method_name = 'BULLET'
        THEN ((d.start_date + d.term * interval '1 month')::date <= %(last_closed)s::date)::int
        ELSE least(d.installments, m.months - ((d.start_date + m.months * interval '1 month')::date
                                              > %(last_closed)s::date)::int)
        END AS due_count
    FROM dated d CROSS JOIN LATERAL (
        SELECT ((extract(year FROM %(last_closed)s::date) - extract(year FROM d.start_date)) * 12
                + extract(month FROM %(last_closed)s::date) - extract(month FROM d.start_date))::int
               AS months
    ) m
), staged AS MATERIALIZED (
    SELECT c.*, CASE WHEN c.status = 0 THEN c.due_count ELSE c.overdue_paid END AS paid_count
    FROM counted c
)
SELECT nextval(%(loan_sequence)s::regclass) AS id, s.borrower_id, s.line_id, s.full_name,
       s.template_id, s.product_id, s.method_name AS method, s.term, s.principal, s.annual_rate,
       s.fee_rate, s.apr, s.start_date, s.paid_count, s.due_count,
       coalesce(paid.principal_through, 0) AS principal_paid,
       coalesce(paid.interest_through, 0) AS interest_paid,
       coalesce(paid.fee_through, 0) AS fee_paid,
       coalesce(due.interest_through, 0) + coalesce(round(cur.interest
           * (%(day)s::date - (s.start_date + cur.start_months * interval '1 month')::date)
           / ((s.start_date + cur.due_months * interval '1 month')::date
              - (s.start_date + cur.start_months * interval '1 month')::date), 2), 0)
           AS interest_accrued,
       coalesce(due.fee_through, 0) AS fee_charged,
       greatest(%(last_closed)s::date
                - (s.start_date + unpaid.due_months * interval '1 month')::date, 0)
           AS days_past_due,
       (s.start_date + unpaid.due_months * interval '1 month')::date AS oldest_unpaid_due
FROM staged s
LEFT JOIN seed_template_row paid ON paid.template_id = s.template_id AND paid.number = s.paid_count
LEFT JOIN seed_template_row due ON due.template_id = s.template_id AND due.number = s.due_count
LEFT JOIN seed_template_row cur ON cur.template_id = s.template_id AND cur.number = s.due_count + 1
JOIN seed_template_row unpaid
    ON unpaid.template_id = s.template_id AND unpaid.number = s.paid_count + 1
"""

CREDIT_SQL = """
INSERT INTO loans_creditapplication (id, borrower_id, partner_id, applied_date, status,
    scorecard_version, inputs, score, points, grade, credit_limit_amount, annual_rate, reasons,
    decided_at, decided_by_id, officer_note, created_at)
SELECT b.application_id, b.borrower_id, NULL, b.applied_date, 'APPROVED', 1,
       p.inputs || jsonb_build_object('age', b.age), p.score, p.points, p.grade, p.limit_amount,
       p.annual_rate, '[]'::jsonb, b.decided_at, NULL, '', now()
FROM seed_borrower b JOIN seed_profile p ON p.id = b.profile_id;

-- A line is frozen as close of business would have frozen it: from the day its first loan
-- reached the product's freeze days past due (issue #16).
INSERT INTO loans_creditline (id, borrower_id, application_id, limit_amount, used_amount, grade,
    annual_rate, status, frozen_reason, frozen_on, updated_at)
SELECT b.line_id, b.borrower_id, b.application_id, p.limit_amount, coalesce(u.used, 0), p.grade,
       p.annual_rate, CASE WHEN f.frozen_on IS NULL THEN 'ACTIVE' ELSE 'FROZEN' END,
       CASE WHEN f.frozen_on IS NULL THEN '' ELSE 'PAST_DUE' END, f.frozen_on, now()
FROM seed_borrower b JOIN seed_profile p ON p.id = b.profile_id
LEFT JOIN (SELECT borrower_id, sum(principal - principal_paid) AS used
           FROM seed_loan GROUP BY borrower_id) u ON u.borrower_id = b.borrower_id
LEFT JOIN (SELECT l.borrower_id, min(l.oldest_unpaid_due + sp.freeze_days) AS frozen_on
           FROM seed_loan l JOIN seed_product sp ON sp.id = l.product_id
           WHERE l.days_past_due >= sp.freeze_days GROUP BY l.borrower_id) f
       ON f.borrower_id = b.borrower_id;
"""

LOAN_INSERT_SQL = """
INSERT INTO loans_loan (id, borrower_id, credit_line_id, product_id, partner_id, status,
    principal_amount, term, method, annual_rate, fee_rate, apr, penalty_multiplier, grace_days,
    write_off_days, rate_cap, allocation_rules, drawn_date, disbursed_date, closed_date,
    contract_version, contract_hash, accepted_at, accepted_ip, accepted_user_agent,
    signature_name, principal_outstanding_amount, interest_receivable_amount,
    fee_receivable_amount, penalty_receivable_amount, advance_amount, overpayment_amount,
    days_past_due, write_off_candidate_since, bucket, created_at, updated_at)
SELECT l.id, l.borrower_id, l.line_id, l.product_id, NULL, 'ACTIVE', l.principal, l.term,
       l.method, l.annual_rate, l.fee_rate, l.apr, p.penalty_multiplier, p.grace_days,
       p.write_off_days, p.rate_cap, p.allocation_rules, l.start_date, l.start_date, NULL, 'v1',
       %(contract_hash)s, (l.start_date + time '10:30') AT TIME ZONE 'Asia/Shanghai', NULL,
       'LendPortal/seed_portfolio', l.full_name, l.principal - l.principal_paid,
       l.interest_accrued - l.interest_paid, l.fee_charged - l.fee_paid, 0, 0, 0,
       l.days_past_due,
       CASE WHEN l.days_past_due >= p.write_off_days
            THEN l.oldest_unpaid_due + p.write_off_days END,
       CASE WHEN l.days_past_due = 0 THEN 'CURRENT' WHEN l.days_past_due <= 30 THEN 'M1'
            WHEN l.days_past_due <= 60 THEN 'M2' WHEN l.days_past_due <= 90 THEN 'M3'
            ELSE 'M4_PLUS' END,
       now(), now()
FROM seed_loan l JOIN seed_product p ON p.id = l.product_id
"""

# Installments 1..p paid on their due dates; p+1..q due before D, unpaid, fully accrued and
# charged; q+1 accrued through D - 1 (PRODUCT §2.3); the later ones untouched.
INSTALLMENT_INSERT_SQL = """
INSERT INTO loans_installment (loan_id, number, period_start, due_date, principal_amount,
    interest_amount, fee_amount, accrual_start_date, accrual_base_amount, interest_accrued_amount,
    fee_charged_amount, penalty_charged_amount, principal_paid_amount, interest_paid_amount,
    fee_paid_amount, penalty_paid_amount, interest_waived_amount, fee_waived_amount,
    penalty_waived_amount, paid_date)
SELECT l.id, r.number, x.period_start, x.due_date, r.principal, r.interest, r.fee, x.period_start,
       0,
       CASE WHEN r.number <= l.due_count THEN r.interest
            WHEN r.number = l.due_count + 1
            THEN round(r.interest * (%(day)s::date - x.period_start)
                       / (x.due_date - x.period_start), 2)
            ELSE 0 END,
       CASE WHEN r.number <= l.due_count THEN r.fee ELSE 0 END, 0,
       CASE WHEN r.number <= l.paid_count THEN r.principal ELSE 0 END,
       CASE WHEN r.number <= l.paid_count THEN r.interest ELSE 0 END,
       CASE WHEN r.number <= l.paid_count THEN r.fee ELSE 0 END, 0, 0, 0, 0,
       CASE WHEN r.number <= l.paid_count THEN x.due_date END
FROM seed_loan l
JOIN seed_template_row r ON r.template_id = l.template_id
CROSS JOIN LATERAL (
    SELECT (l.start_date + r.start_months * interval '1 month')::date AS period_start,
           (l.start_date + r.due_months * interval '1 month')::date AS due_date
) x
"""

# (entry type, per-loan account and amount, its sign, the offsetting account)
ENTRIES = (
    ("DISBURSEMENT", "PRINCIPAL_RECEIVABLE", "principal", 1, "CASH"),
    ("REPAYMENT", "PRINCIPAL_RECEIVABLE", "principal_paid", -1, "CASH"),
    ("REPAYMENT", "INTEREST_RECEIVABLE", "interest_paid", -1, None),
    ("REPAYMENT", "FEE_RECEIVABLE", "fee_paid", -1, None),
    ("INTEREST_ACCRUAL", "INTEREST_RECEIVABLE", "interest_accrued", 1, "INTEREST_INCOME"),
    ("FEE_DUE", "FEE_RECEIVABLE", "fee_charged", 1, "FEE_INCOME"),
)

LEDGER_TOTALS_SQL = """
SELECT coalesce(sum(principal), 0), coalesce(sum(principal_paid), 0),
       coalesce(sum(interest_paid), 0), coalesce(sum(fee_paid), 0),
       coalesce(sum(interest_accrued), 0), coalesce(sum(fee_charged), 0)
FROM seed_loan
"""

# The columns of the COPY rows that borrowers.py makes, in their order.
BORROWER_COLUMNS = (
    "id, full_name, id_number_ciphertext, id_number_digest, id_number_masked, mobile_ciphertext,"
    " mobile_digest, mobile_masked, email, bank_card_ciphertext, bank_card_digest,"
    " bank_card_masked, monthly_income_amount,"
    " employment_months, monthly_debt_payments_amount, language, credit_check_consent_at,"
    " privacy_notice_version, privacy_consent_at, external_id, created_at, updated_at"
)
STAGING_COLUMNS = (
    "borrower_id, loans, profile_id, grade_index, applied_date, age, cash_slot_count,"
    " shop_slot_count, full_name, decided_at"
)
# The tables whose statistics are refreshed once the seed is written.
ANALYZED = (
    "accounts_borrower",
    "loans_creditapplication",
    "loans_creditline",
    "loans_loan",
    "loans_installment",
    "loans_journalentry",
    "loans_journalline",
)
