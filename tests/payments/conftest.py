import pytest

from tests.payments.stripe_fake import SETTINGS, FakeStripe


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """Online payment on, with test keys, and Stripe answered offline."""
    from marketplace.payments import gateway

    for name, value in SETTINGS.items():
        setattr(settings, name, value)
    fake = FakeStripe()
    monkeypatch.setattr(gateway, "http_client_override", fake)
    return fake
