"""How a login is checked: Oscar's e-mail login, without telling which addresses have an account."""

from django.contrib.auth import get_user_model
from oscar.apps.customer.auth_backends import EmailBackend as OscarEmailBackend
from oscar.apps.customer.utils import normalise_email


class EmailBackend(OscarEmailBackend):
    """Oscar's e-mail login (case-insensitive), with one password hash per attempt either way.

    Oscar's backend returns at once for an address without an account and hashes the password
    for one with an account: the time a wrong login takes would tell whether the address is
    registered. Here an unknown address costs one hash too, as Django's ``ModelBackend`` does.
    """

    def authenticate(self, request, email=None, password=None, *args, **kwargs):
        address = email if email is not None else kwargs.get("username")
        if address is None or password is None:
            return None
        user_model = get_user_model()
        if not user_model._default_manager.filter(email__iexact=normalise_email(address)).exists():
            user_model().set_password(password)
            return None
        return super().authenticate(request, email, password, *args, **kwargs)
