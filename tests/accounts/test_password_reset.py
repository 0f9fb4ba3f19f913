"""Password reset answers alike for every address (the shop's and Wagtail's); every password form wants 12."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    ["password-reset", "wagtailadmin_password_reset"],
    ids=["shop (Oscar)", "admin (Wagtail, Django's form)"],
)
def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    url_name, superuser, django_capture_on_commit_callbacks
):
    answers = []
    for email in (superuser.email, "nobody@example.cn"):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(url_name), {"email": email})
        followed = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page_text(followed, typed=email)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert [message.to for message in mail.outbox] == [[superuser.email]]  # only the owner hears more


def test_the_shop_reset_form_is_the_one_that_unlocks(client, superuser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": superuser.email})
    assert "/shop/password-reset/confirm/" in mail.outbox[0].body


def test_wagtails_reset_links_to_wagtails_confirm_page(client, superuser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wagtailadmin_password_reset"), {"email": superuser.email})
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "://" in line)
    assert "/admin/password_reset/confirm/" in link
    followed = client.get(urlsplit(link.strip()).path, follow=True)
    assert followed.status_code == 200 and "new_password1" in followed.content.decode()


@pytest.mark.parametrize("url_name", ["password-reset", "wagtailadmin_password_reset"])
def test_a_mail_server_that_is_down_costs_the_visitor_nothing(
    settings, url_name, superuser, django_capture_on_commit_callbacks
):
    """The e-mail waits in the outbox; the visitor gets the same answer as always."""
    from core.models import OutboxMessage

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse(url_name), {"email": superuser.email})

    assert response.status_code == 302
    [waiting] = OutboxMessage.objects.all()
    assert waiting.task == "marketplace.accounts.tasks.send_password_reset_task" and waiting.status == "pending"
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from core.outbox import outbox_sweep

    outbox_sweep(waiting_too=True)
    assert [message.to for message in mail.outbox] == [[superuser.email]]


@pytest.mark.parametrize("password, accepted", [("short-pass1", False), ("demo-pass-2026", True)])
def test_a_new_password_needs_12_characters(superuser, password, accepted):
    form = SetPasswordForm(superuser, {"new_password1": password, "new_password2": password})
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["new_password2"] == ["密码太短：至少要有 12 个字符。"]  # in Chinese, as the site speaks


def test_changing_the_password_in_the_shop_wants_12_characters(client, buyer_user):
    client.force_login(buyer_user)
    response = client.post(
        reverse("customer:change-password"),
        {"old_password": PASSWORD, "new_password1": "short-pass1", "new_password2": "short-pass1"},
    )
    assert response.status_code == 200 and "至少要有 12 个字符" in response.content.decode()
    buyer_user.refresh_from_db()
    assert buyer_user.check_password(PASSWORD)


def test_a_new_cooperatives_first_password_wants_12_characters(client, buyer_user):
    # The approval e-mail of a cooperative links to the shop's "set a new password" step.
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    buyer_user.set_unusable_password()
    buyer_user.save()
    uid = urlsafe_base64_encode(force_bytes(buyer_user.pk))
    path = reverse(
        "password-reset-confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(buyer_user)}
    )
    form_url = client.get(f"/en{path}", follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "short-pass1", "new_password2": "short-pass1"})
    assert response.status_code == 200 and "at least 12 characters" in response.content.decode()
    response = client.post(form_url, {"new_password1": "demo-pass-2026", "new_password2": "demo-pass-2026"})
    assert response.status_code == 302
    buyer_user.refresh_from_db()
    assert buyer_user.check_password("demo-pass-2026")
