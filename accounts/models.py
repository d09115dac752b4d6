from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: a borrower or a member of staff.

    Custom from day one so that later fields (language, phone) need no swap of the user model.
    """

    class Meta:
        db_table = "accounts_user"
        verbose_name = "user"
        verbose_name_plural = "users"
