"""System checks of online payment's settings."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def stripe_settings_check(app_configs=None, **kwargs):
    errors = []
    keys = {
        "STRIPE_SECRET_KEY": settings.STRIPE_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": settings.STRIPE_WEBHOOK_SECRET,
    }
    given = [name for name, value in keys.items() if value]
    if given and len(given) < len(keys):
        missing = ", ".join(name for name in keys if name not in given)
        errors.append(
            Error(
                f"Online payment needs all three Stripe settings; {missing} missing.",
                hint="Set them all (test-mode keys for a trial), or none to take invoice payment only.",
                id="payments.E001",
            )
        )
    if settings.STRIPE_CURRENCY.upper() != settings.OSCAR_DEFAULT_CURRENCY.upper():
        errors.append(
            Error(
                f"STRIPE_CURRENCY ({settings.STRIPE_CURRENCY}) differs from OSCAR_DEFAULT_CURRENCY "
                f"({settings.OSCAR_DEFAULT_CURRENCY}): buyers would be charged a price in another currency.",
                id="payments.E002",
            )
        )
    if settings.STRIPE_SECRET_KEY.startswith("pk_") or settings.STRIPE_PUBLISHABLE_KEY.startswith("sk_"):
        errors.append(Error("The Stripe secret and publishable keys are swapped.", id="payments.E003"))
    return errors
