# Loan products, loans, schedules and the ledger arrive with the lending core (issue #3).
# The money math they persist already lives in loans/domain/.
