"""The checkout's first step: its sign-in is throttled, and it never says which addresses have an account."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, logged_in_as
from tests.factories import make_product
from tests.fulfilment.helpers import add_to_basket, ensure_checkout_data

pytestmark = pytest.mark.django_db
GATEWAY = "/shop/checkout/"


@pytest.fixture
def shopper():
    """A visitor with something in the basket, at the checkout's first step."""
    ensure_checkout_data()
    client = Client()
    add_to_basket(client, make_product(title="田东芒果", price="59.90"))
    assert client.get(GATEWAY).status_code == 200
    return client


def sign_in(client, email, password):
    return client.post(GATEWAY, {"username": email, "password": password, "options": "existing"})


def test_signing_in_at_checkout_works(shopper, buyer_user):
    response = sign_in(shopper, buyer_user.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:shipping-address")
    assert logged_in_as(shopper) == buyer_user.pk


def test_signing_in_at_checkout_is_throttled(shopper, buyer_user):
    for _attempt in range(4):
        assert sign_in(shopper, buyer_user.email, "wrong-password-123").status_code == 200
    assert sign_in(shopper, buyer_user.email, "wrong-password-123").status_code == 429  # the fifth locks
    response = sign_in(shopper, buyer_user.email, PASSWORD)
    assert response.status_code == 429
    assert logged_in_as(shopper) is None


@pytest.mark.parametrize("option", ["anonymous", "new"])
def test_a_registered_address_gets_the_same_answer_as_a_new_one(option, buyer_user):
    answers = []
    for email in (buyer_user.email, "newcomer@example.cn"):
        ensure_checkout_data()
        client = Client()
        add_to_basket(client, make_product(title=f"芒果{email}", price="59.90"))
        response = client.post(GATEWAY, {"username": email, "password": "", "options": option})
        answers.append(
            (
                response.status_code,
                response["Location"].replace("newcomer%40example.cn", "X").replace("buyer%40example.cn", "X"),
            )
        )
        assert "already exists" not in response.content.decode()
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
