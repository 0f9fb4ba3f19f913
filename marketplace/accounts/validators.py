"""Password rules (AUTH_PASSWORD_VALIDATORS)."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, its error message translated in our catalogues.

    Django 5.2 changed that message and its Simplified Chinese catalogue has not caught up: a
    too-short password would be refused in English on the Chinese site.
    """

    def get_error_message(self) -> str:
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )
