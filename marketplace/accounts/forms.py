"""Account forms: the admin's user forms, registration, and the checkout's sign-in step."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm
from oscar.apps.checkout.forms import GatewayForm as OscarGatewayForm
from oscar.apps.customer.forms import EmailUserCreationForm
from oscar.apps.customer.utils import normalise_email
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from .models import User


class UserCreationForm(DjangoUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RegistrationForm(EmailUserCreationForm):
    """Oscar's registration form without its "a user with that e-mail address already exists".

    Whether an address has an account is for its owner to learn, by e-mail
    (``marketplace.accounts.services.registration_request``); the form checks only what the
    person typed: a valid address and a password that passes every validator.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password2"].widget.attrs["autocomplete"] = "new-password"

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def _post_clean(self) -> None:
        """Password rules checked against the address typed, their errors next to the password
        and its rules (Oscar puts them under the confirmation field)."""
        forms.ModelForm._post_clean(self)
        password = self.cleaned_data.get("password1")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)

    def validate_unique(self) -> None:
        """No uniqueness error: it would say that the address is registered."""


class GatewayForm(OscarGatewayForm):
    """The checkout's first step: guest, new account or sign in, without revealing registered addresses.

    Oscar answers a guest or a new customer whose address has an account with "a user with
    that e-mail address already exists". Here a guest simply goes on as a guest, and a new
    customer goes to the registration form, which answers every address alike.
    """

    def clean(self):
        if self.is_guest_checkout() or self.is_new_account_checkout():
            self.errors.pop("password", None)
            return self.cleaned_data
        return AuthenticationForm.clean(self)


class QueuedPasswordResetMixin:
    """A password-reset form that e-mails through the outbox instead of inside the request.

    The answer is then the same, in content and in time, whether or not the address has an
    account, and a mail server that is down costs the visitor nothing: the e-mail leaves when it
    is back (``marketplace.accounts.services.password_reset_request``).
    """

    confirm_url_name = "password-reset-confirm"

    def save(self, *args, **kwargs) -> None:
        from marketplace.accounts.services import password_reset_request

        password_reset_request(email=self.cleaned_data["email"], confirm_url_name=self.confirm_url_name)


class PasswordResetForm(QueuedPasswordResetMixin, DjangoPasswordResetForm):
    """The shop's "forgotten password" form (``/shop/password-reset/``)."""


class AdminPasswordResetForm(QueuedPasswordResetMixin, WagtailPasswordResetForm):
    """Wagtail's "forgotten password" form (``/admin/password_reset/``), linking to Wagtail's confirm page."""

    confirm_url_name = "wagtailadmin_password_reset_confirm"
