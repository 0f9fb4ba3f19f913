"""Logging out takes a POST with the CSRF token, everywhere; a link or an image elsewhere cannot do it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import logged_in_as

pytestmark = pytest.mark.django_db
LOGOUT = "/shop/accounts/logout/"


@pytest.fixture
def browser(buyer_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer_user)
    return client


def csrf_token(client, path="/shop/accounts/"):
    html = client.get(path, follow=True).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_get_does_not_log_out(browser, buyer_user):
    # what an <img src="…/logout/"> on another site makes the browser do
    response = browser.get(LOGOUT)
    assert response.status_code == 200
    assert logged_in_as(browser) == buyer_user.pk
    assert 'method="post"' in response.content.decode()  # a page with the button instead


def test_a_post_without_the_csrf_token_does_not_log_out(browser, buyer_user):
    assert browser.post(LOGOUT).status_code == 403
    assert logged_in_as(browser) == buyer_user.pk


def test_the_button_logs_out(browser):
    response = browser.post(LOGOUT, {"csrfmiddlewaretoken": csrf_token(browser)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_as(browser) is None


@pytest.mark.parametrize("path", ["/", "/shop/", "/shop/accounts/", "/en/shop/basket/"])
def test_the_site_header_logs_out_with_a_form(browser, path):
    html = browser.get(path, follow=True).content.decode()
    assert "/accounts/logout/" in html
    assert not re.search(r'<a [^>]*href="[^"]*/accounts/logout/', html)  # no logout link anywhere
    form = re.search(
        r'<form class="logout-form" method="post" action="[^"]*/accounts/logout/">(.*?)</form>', html, re.S
    )
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1) and "<button" in form.group(1)


@pytest.mark.parametrize("path", ["/admin/logout/", "/django-admin/logout/", "/shop/dashboard/logout/"])
def test_the_admin_and_dashboard_logouts_refuse_a_get(path, superuser, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 405
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the browser keeps its session
    assert logged_in_as(client) == superuser.pk
    assert client.post(path).status_code == 403  # and a POST needs the token
    assert logged_in_as(client) == superuser.pk


def test_the_dashboard_logs_out_with_a_form(superuser):
    client = Client()
    client.force_login(superuser)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert re.search(r'<form id="logout_form" method="post" action="[^"]*/dashboard/logout/">\s*<input', html)
