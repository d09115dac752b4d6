from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Borrower, Partner, User

admin.site.register(User, UserAdmin)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ["name", "code", "is_active", "created_at"]
    search_fields = ["name", "code"]


@admin.register(Borrower)
class BorrowerAdmin(admin.ModelAdmin[Borrower]):
    list_display = ["id", "full_name", "id_number_masked", "mobile", "partner", "created_at"]
    list_filter = ["partner", "language"]
    search_fields = ["full_name", "mobile", "external_id"]
    # Ciphertexts and digests never show; the masked forms do.
    exclude = [
        "id_number_ciphertext",
        "id_number_digest",
        "bank_card_ciphertext",
        "bank_card_digest",
    ]
    readonly_fields = ["id_number_masked", "bank_card_masked", "created_at", "updated_at"]
