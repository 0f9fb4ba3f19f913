"""Fixtures of account tests: a user who can log in everywhere, and the four login forms."""

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "right-horse-battery-2026"


@dataclass(frozen=True)
class Login:
    """One login form: where it posts and how it names its fields."""

    name: str
    url: str
    username_field: str = "username"
    password_field: str = "password"
    extra: tuple = ()

    def post(self, client: Client, email: str, password: str, **meta):
        data = {self.username_field: email, self.password_field: password, **dict(self.extra)}
        return client.post(self.url, data, **meta)


SHOP = Login("shop", "/shop/accounts/login/", "login-username", "login-password", (("login_submit", "Log In"),))
DASHBOARD = Login("dashboard", "/shop/dashboard/login/")
WAGTAIL = Login("wagtail", "/admin/login/")
DJANGO_ADMIN = Login("django-admin", "/django-admin/login/")
LOGINS = [SHOP, DASHBOARD, WAGTAIL, DJANGO_ADMIN]


def page_text(response, *, typed: str = "") -> str:
    """The page as a visitor compares it: without the per-visitor CSRF token, the per-response
    script nonce and what they typed."""
    html = response.content.decode().replace(typed, "X") if typed else response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'"CSRF_TOKEN": "[^"]+"', "", html)


def logged_in_as(client: Client):
    """The id of the user this client's session belongs to, or None."""
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


@pytest.fixture
def superuser(db):
    """Staff with every permission: allowed into all four logins' sites."""
    user = UserFactory(email="Admin.Person@example.cn", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def buyer_user(db):
    user = UserFactory(email="buyer@example.cn")
    user.set_password(PASSWORD)
    user.save()
    return user
