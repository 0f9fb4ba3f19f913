"""Registration answers alike for every address; the mailbox learns the rest; passwords of 12 characters."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from marketplace.accounts.models import PendingRegistration, User
from tests.accounts.conftest import PASSWORD, SHOP, logged_in_as, page_text

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "tea-garden-morning-2026"


def register(client, email, password=NEW_PASSWORD, *, page="register", next_url=""):
    """Fill in the registration form of the registration page or of the login-or-register page."""
    if page == "register":
        url = reverse("customer:register")
        data = {"email": email, "password1": password, "password2": password, "redirect_url": next_url}
    else:
        url = reverse("customer:login")
        data = {
            "registration-email": email,
            "registration-password1": password,
            "registration-password2": password,
            "registration_submit": "Register",
        }
    return client.post(url, data)


def confirm_link(message) -> str:
    return re.search(r"https?://[^/]+(/\S*/register/confirm/\S+/)", message.body).group(1)


@pytest.mark.parametrize("page", ["register", "login"])
def test_an_address_with_an_account_gets_the_same_answer_as_a_new_one(
    page, buyer_user, django_capture_on_commit_callbacks
):
    # when someone registers the address of an existing account, and someone else a new address
    answers = []
    for email in (buyer_user.email, "newcomer@example.cn"):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = register(client, email, page=page)
        page_after = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page_text(page_after, typed=email)))
    # then both see the same thing: check your mailbox
    assert answers[0] == answers[1]
    assert answers[0][0] == 302 and answers[0][1] == reverse("accounts:registration-sent")
    assert "already exists" not in answers[0][2]
    # and only the mailboxes tell them apart
    exists, link = mail.outbox
    assert exists.to == [buyer_user.email] and link.to == ["newcomer@example.cn"]
    assert "该地址已有账户" in exists.body  # in the owner's language
    assert "/shop/accounts/login/" in exists.body and "/shop/password-reset/" in exists.body
    assert "/register/confirm/" in link.body
    # nothing else changed: no account yet for the new address, the old account untouched
    assert not User.objects.filter(email="newcomer@example.cn").exists()
    buyer_user.refresh_from_db()
    assert buyer_user.check_password(PASSWORD)


def test_the_link_creates_the_account_logs_in_and_works_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "Newcomer@Example.CN", next_url="/shop/basket/")
    link = confirm_link(mail.outbox[0])
    # a mail scanner opening the link uses nothing up
    browser = Client()
    assert browser.get(link).status_code == 200
    assert not User.objects.filter(email__iexact="newcomer@example.cn").exists()
    # the button creates the account and logs in, and goes where the visitor was going
    response = browser.post(link)
    assert response.status_code == 302 and response["Location"] == "/shop/basket/"
    user = User.objects.get(email="newcomer@example.cn")
    assert logged_in_as(browser) == user.pk and user.check_password(NEW_PASSWORD) and user.is_active
    assert not PendingRegistration.objects.exists()
    # the link is used up
    again = Client().post(link)
    assert again.status_code == 404 and "此链接已失效" in again.content.decode()
    # and the password chosen at registration logs in
    fresh = Client()
    SHOP.post(fresh, "newcomer@example.cn", NEW_PASSWORD)
    assert logged_in_as(fresh) == user.pk


def test_registering_again_replaces_the_earlier_link(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), "newcomer@example.cn", "first-choice-password-1")
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), "newcomer@example.cn", "second-choice-password-2")
    first, second = (confirm_link(message) for message in mail.outbox)
    assert Client().post(first).status_code == 404
    Client().post(second)
    assert User.objects.get(email="newcomer@example.cn").check_password("second-choice-password-2")


def test_a_link_expires(settings, django_capture_on_commit_callbacks):
    start = timezone.now()
    with freeze_time(start), django_capture_on_commit_callbacks(execute=True):
        register(Client(), "newcomer@example.cn")
    link = confirm_link(mail.outbox[0])
    with freeze_time(start + datetime.timedelta(days=settings.ACCOUNT_CONFIRMATION_DAYS, minutes=1)):
        assert Client().post(link).status_code == 404
    assert not User.objects.filter(email="newcomer@example.cn").exists()


def test_an_altered_link_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), "newcomer@example.cn")
    link = confirm_link(mail.outbox[0])
    assert Client().post(link[:-3] + "xx/").status_code == 404
    assert not User.objects.exists()


def test_the_registration_form_cannot_flood_a_mailbox(buyer_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(6):
            response = register(Client(), buyer_user.email)
            assert response.status_code == 302
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    "prefix, too_short",
    [
        ("", "密码太短：至少要有 12 个字符。"),
        ("/en", "This password is too short. It must contain at least 12 characters."),
    ],
)
def test_a_password_under_12_characters_is_refused_next_to_the_field(prefix, too_short, client):
    response = client.post(
        f"{prefix}/shop/accounts/register/",
        {"email": "newcomer@example.cn", "password1": "short-pass1", "password2": "short-pass1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert too_short in html
    assert 'value="newcomer@example.cn"' in html  # what was typed is kept
    assert not PendingRegistration.objects.exists() and not mail.outbox


def test_the_demo_password_is_long_enough(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, "newcomer@example.cn", "demo-pass-2026")
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_both_answers_cost_one_password_hash(buyer_user, monkeypatch):
    from marketplace.accounts import services

    hashed = []
    monkeypatch.setattr(services, "make_password", lambda password: hashed.append(password) or "md5$x$y")
    for email in (buyer_user.email, "newcomer@example.cn"):
        register(Client(), email)
    assert hashed == [NEW_PASSWORD, NEW_PASSWORD]  # the existing address is not answered faster
