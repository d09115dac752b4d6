"""Borrower documents as PDF: the signed contract, repayment receipts, settlement certificates."""
