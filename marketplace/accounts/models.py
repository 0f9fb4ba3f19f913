"""The platform's user: logs in with e-mail, has a mobile number and a language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.abstract_models import AbstractUser
from phonenumber_field.modelfields import PhoneNumberField


class User(AbstractUser):
    """A person using the platform (用户): buyer, cooperative staff, officer, editor."""

    mobile = PhoneNumberField(_("mobile number"), region="CN", blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class PendingRegistration(models.Model):
    """A registration waiting for its e-mail address to be confirmed (待确认的注册).

    The account is created only when the link e-mailed to the address is followed. So the
    registration form answers the same whether the address is new or already has an account,
    and nobody can hold an account in someone else's name. One row per address (lower-cased);
    registering again replaces the password and the link. Rows older than
    ``ACCOUNT_CONFIRMATION_DAYS`` are useless and are removed at the next registration.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    password = models.CharField(_("password"), max_length=128)  # hashed, like User.password
    next_url = models.CharField(_("page to open afterwards"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    requested_at = models.DateTimeField(_("requested at"), db_index=True)

    class Meta:
        verbose_name = _("registration awaiting confirmation")
        verbose_name_plural = _("registrations awaiting confirmation")

    def __str__(self) -> str:
        return self.email
