"""Login throttling (django-axes) on every login: per account, per address, cool-off, reset, unlock."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.accounts.conftest import LOGINS, PASSWORD, SHOP, logged_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIMIT = 5


def fail(login, client, email, times, **meta):
    for _attempt in range(times):
        response = login.post(client, email, "wrong-password-123", **meta)
        assert logged_in_as(client) is None
    return response


@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.name)
def test_the_right_password_is_refused_after_too_many_failures(login, superuser):
    # given five wrong passwords for the account
    client = Client()
    fail(login, client, superuser.email, LIMIT)
    # when the right one comes
    response = login.post(client, superuser.email, PASSWORD)
    # then it is refused with the lockout page, and nobody is logged in
    assert response.status_code == 429
    assert logged_in_as(client) is None
    html = response.content.decode()
    assert 'id="login-locked"' in html and reverse("password-reset") in html


@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.name)
def test_the_account_stays_locked_from_another_address(login, superuser):
    fail(login, Client(), superuser.email, LIMIT, REMOTE_ADDR="198.51.100.1")
    elsewhere = Client()
    response = login.post(elsewhere, superuser.email, PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 429
    assert logged_in_as(elsewhere) is None


@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.name)
def test_after_the_cool_off_the_right_password_works(login, superuser, settings):
    start = timezone.now()
    with freeze_time(start):
        fail(login, Client(), superuser.email, LIMIT)
    with freeze_time(start + settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)):
        client = Client()
        assert login.post(client, superuser.email, PASSWORD).status_code == 429
    with freeze_time(start + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=5)):
        client = Client()
        login.post(client, superuser.email, PASSWORD)
        assert logged_in_as(client) == superuser.pk


@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.name)
def test_a_successful_login_clears_the_accounts_failures(login, superuser):
    # given four failures, then a success from the same place
    client = Client()
    fail(login, client, superuser.email, LIMIT - 1)
    login.post(client, superuser.email, PASSWORD)
    assert logged_in_as(client) == superuser.pk
    # when four more failures follow
    later = Client()
    fail(login, later, superuser.email, LIMIT - 1)
    # then the account is not locked: the count started again
    login.post(later, superuser.email, PASSWORD)
    assert logged_in_as(later) == superuser.pk


def test_the_account_counts_whatever_the_case_of_the_address(superuser):
    client = Client()
    for variant in (
        "admin.person@example.cn",
        "ADMIN.PERSON@EXAMPLE.CN",
        "Admin.Person@Example.CN",
        " admin.person@example.cn ",
    ):
        SHOP.post(client, variant, "wrong-password-123")
    SHOP.post(client, superuser.email.swapcase(), "wrong-password-123")
    response = SHOP.post(client, superuser.email, PASSWORD)
    assert response.status_code == 429
    assert AccessAttempt.objects.values_list("username", flat=True).distinct().get() == "admin.person@example.cn"


def test_one_accounts_lockout_leaves_other_accounts_on_that_address_alone(superuser, buyer_user):
    client = Client()
    fail(SHOP, client, superuser.email, LIMIT)
    SHOP.post(client, buyer_user.email, PASSWORD)
    assert logged_in_as(client) == buyer_user.pk


def test_an_address_trying_many_accounts_is_locked(settings, buyer_user):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    client = Client()
    # given one address guessing a few passwords each for many accounts (never five for one)
    for number in range(6):
        fail(SHOP, client, f"someone{number}@example.cn", 2)
    # then it is locked for every account, even a right password
    response = SHOP.post(client, buyer_user.email, PASSWORD)
    assert response.status_code == 429 and logged_in_as(client) is None
    # while another address logs in to that account
    elsewhere = Client()
    SHOP.post(elsewhere, buyer_user.email, PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert logged_in_as(elsewhere) == buyer_user.pk


def test_logging_in_to_ones_own_account_does_not_clear_failures_on_another(superuser, buyer_user):
    client = Client()
    for _round in range(3):
        fail(SHOP, client, superuser.email, 2)
        SHOP.post(client, buyer_user.email, PASSWORD)  # the guesser's own account
        client.post(reverse("customer:logout"))
    assert SHOP.post(Client(), superuser.email, PASSWORD).status_code == 429


def test_behind_the_proxy_the_lockout_follows_the_client_not_the_forged_header(settings, buyer_user):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6
    for number in range(6):
        meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"198.51.100.{number}, 203.0.113.5"}
        SHOP.post(Client(), f"someone{number}@example.cn", "wrong-password-123", **meta)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = SHOP.post(Client(), buyer_user.email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    neighbour = Client()
    SHOP.post(neighbour, buyer_user.email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert logged_in_as(neighbour) == buyer_user.pk  # the next person behind the proxy is not locked


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("", "登录已暂停"),
        ("/zh-hant", "登入已暫停"),
        ("/en", "Logging in is paused"),
    ],
)
def test_the_lockout_page_speaks_the_visitors_language_and_says_when(prefix, expected, superuser):
    client = Client()
    now = timezone.now()
    with freeze_time(now):
        for _attempt in range(LIMIT):
            client.post(
                f"{prefix}/shop/accounts/login/",
                {"login-username": superuser.email, "login-password": "wrong-password-123", "login_submit": "1"},
            )
        response = client.post(
            f"{prefix}/shop/accounts/login/",
            {"login-username": superuser.email, "login-password": PASSWORD, "login_submit": "1"},
        )
    html = response.content.decode()
    assert response.status_code == 429
    assert expected in html
    until = timezone.localtime(now + datetime.timedelta(minutes=15))
    assert until.strftime("%H:%M") in html
    assert f'{prefix}/shop/password-reset/"' in html
    assert response["Retry-After"] == str(15 * 60)


def test_what_was_typed_as_a_password_is_never_stored(superuser):
    SHOP.post(Client(), superuser.email, "almost-the-right-one-2026")
    attempt = AccessAttempt.objects.get()
    assert "almost-the-right-one-2026" not in attempt.post_data
    assert attempt.username == superuser.email.lower()


def test_a_new_password_by_e_mail_unlocks_the_account(superuser, client, django_capture_on_commit_callbacks):
    fail(SHOP, Client(), superuser.email, LIMIT)
    # when the owner asks for a reset and follows the link
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": superuser.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/confirm/" in line)
    path = link[link.index("/", link.index("//") + 2) :].strip()
    form_page = client.get(path, follow=True)
    new_password = "a-brand-new-password-2026"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    # then the account logs in at once
    fresh = Client()
    SHOP.post(fresh, superuser.email, new_password)
    assert logged_in_as(fresh) == superuser.pk


def test_staff_unlock_an_account_in_the_admin(superuser, buyer_user):
    fail(SHOP, Client(), buyer_user.email, LIMIT)
    assert SHOP.post(Client(), buyer_user.email, PASSWORD).status_code == 429
    staff = Client()
    staff.force_login(superuser)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and buyer_user.email in listing.content.decode()
    attempts = AccessAttempt.objects.filter(username=buyer_user.email)
    response = staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    client = Client()
    SHOP.post(client, buyer_user.email, PASSWORD)
    assert logged_in_as(client) == buyer_user.pk


def test_a_wrong_login_takes_one_password_hash_whether_or_not_the_account_exists(buyer_user, monkeypatch):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    calls = []
    monkeypatch.setattr(
        "django.contrib.auth.hashers.MD5PasswordHasher.encode", lambda self, password, salt: calls.append(1) or "x"
    )
    monkeypatch.setattr(
        "django.contrib.auth.hashers.MD5PasswordHasher.verify", lambda self, password, encoded: calls.append(1) or False
    )
    assert PBKDF2PasswordHasher  # the production hasher; tests hash with MD5 for speed
    SHOP.post(Client(), buyer_user.email, "wrong-password-123")
    known = len(calls)
    calls.clear()
    SHOP.post(Client(), "nobody@example.cn", "wrong-password-123")
    assert known == len(calls) == 1


def test_the_dashboard_sends_visitors_to_its_own_login_which_is_throttled_too(client):
    response = client.get("/shop/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/shop/dashboard/login/")


def test_other_accounts_are_unaffected_when_no_one_failed(db):
    user = UserFactory(email="plain@example.cn")
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    SHOP.post(client, user.email, PASSWORD)
    assert logged_in_as(client) == user.pk
