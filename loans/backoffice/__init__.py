"""The officers' back office in the Django admin (issue #6): loan page, collections, portfolio."""
