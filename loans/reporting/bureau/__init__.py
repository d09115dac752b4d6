"""Credit-bureau export (PRODUCT §13): records, writers and runs (docs/reporting.md)."""
