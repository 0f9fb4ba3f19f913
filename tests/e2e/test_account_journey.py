"""A buyer mistypes the password until logging in pauses, registers a new address, logs out by the button."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import UserFactory, build_site

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_buyer_is_paused_registers_and_logs_out(page, journey):
    build_site(counties=1, posts=1, projects=1)
    user = UserFactory(email="buyer@example.cn")
    user.set_password("demo-pass-2026")
    user.save()

    # Five wrong passwords: logging in pauses, and the page says until when and what to do.
    page.goto("/shop/accounts/login/")
    journey.check("login")
    for _attempt in range(5):
        page.fill("#id_login-username", "buyer@example.cn")
        page.fill("#id_login-password", "wrong-password-2026")
        with page.expect_navigation():
            page.click("button[name=login_submit]")
    expect(page.get_by_role("heading", name="登录已暂停")).to_be_visible()
    expect(page.get_by_text(re.compile(r"您可以在 \d\d:\d\d"))).to_be_visible()
    expect(page.get_by_role("link", name="设置新密码")).to_be_visible()
    journey.check("paused")

    # Registering answers "check your mailbox"; the link there creates the account.
    page.goto("/shop/accounts/login/")
    page.fill("#id_registration-email", "newcomer@example.cn")
    page.fill("#id_registration-password1", "short")
    page.fill("#id_registration-password2", "short")
    page.click("button[name=registration_submit]")
    expect(page.get_by_text("密码太短：至少要有 12 个字符。")).to_be_visible()
    assert page.input_value("#id_registration-email") == "newcomer@example.cn"
    journey.check("password-too-short")
    page.fill("#id_registration-password1", "tea-garden-morning-2026")
    page.fill("#id_registration-password2", "tea-garden-morning-2026")
    page.click("button[name=registration_submit]")
    page.wait_for_url("**/shop/accounts/register/sent/")
    expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
    journey.check("check-mailbox")

    link = re.search(r"https?://[^/]+(/\S*/register/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    journey.check("confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="创建我的账户").click()
    expect(page.get_by_text("账户已创建，您已登录。")).to_be_visible()
    journey.check("logged-in")

    # Logging out is a button in the header (a form with the CSRF token), not a link.
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("link", name="登录/注册")).to_be_visible()
    journey.check("logged-out")
