"""The partner API v1 (PRODUCT §7): DRF views over the same services as the portal and admin."""
