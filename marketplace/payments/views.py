"""Online payment's pages: the buyer's payment page and return page, the webhook, the staff page.

The payment page shows Stripe's Payment Element (card, Alipay, WeChat Pay) for the order's
PaymentIntent; the return page shows what the database says and polls until the webhook has
landed — it never marks anything paid itself. The webhook verifies Stripe's signature on the raw
body, stores the event once and answers at once; a Celery task applies it.
"""

from __future__ import annotations

import logging
import secrets

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.templatetags.currency_filters import currency

from core.access import is_platform_staff, refuse
from marketplace.payments import gateway, selectors, services
from marketplace.payments.forms import StaffRefundForm

logger = logging.getLogger(__name__)
#: Stripe.js and the Payment Element's frames (Alipay, WeChat Pay, 3-D Secure) on the payment page only.
STRIPE_CSP = {
    "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
    "img-src": ["https://*.stripe.com"],
}
#: Stripe.js's locale for each of our languages.
STRIPE_LOCALES = {"zh-hans": "zh", "zh-hant": "zh-HK", "en": "en"}
MAX_WEBHOOK_BYTES = 512 * 1024
#: What Stripe says of the buyer's attempt when it sends them back (wording of the page only, never state).
REDIRECT_STATUSES = {"succeeded", "processing", "failed", "requires_action"}


@method_decorator(never_cache, name="dispatch")
@method_decorator(csp_update(STRIPE_CSP), name="dispatch")
class PayView(View):
    """The buyer pays an order placed to be paid online (its PaymentIntent is created here, once)."""

    template_name = "payments/pay.html"

    def get(self, request, number):
        payment = selectors.payment_for_buyer(request, number)
        if not payment.is_open or selectors.minutes_left(payment) <= 0:
            return redirect("payments:return", number=number)
        error = ""
        try:
            payment = services.intent_ensure(payment=payment)
        except gateway.StripeError:
            logger.exception("PaymentIntent of order %s not created", payment.order.number)
            error = _("The payment service cannot be reached just now. Wait a minute and reload this page.")
        return render(
            request,
            self.template_name,
            {
                "payment": payment,
                "order": payment.order,
                "error": error,
                "minutes_left": selectors.minutes_left(payment),
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "stripe_locale": STRIPE_LOCALES.get(translation.get_language(), "auto"),
                "return_url": request.build_absolute_uri(reverse("payments:return", kwargs={"number": number})),
                "methods": settings.STRIPE_PAYMENT_METHODS,
            },
        )


@method_decorator(never_cache, name="dispatch")
class ReturnView(View):
    """Where Stripe sends the buyer back: the payment's state as the database has it, polled until final."""

    template_name = "payments/return.html"

    def get(self, request, number):
        payment = selectors.payment_for_buyer(request, number)
        if "payment_intent_client_secret" in request.GET:
            # Stripe appends the client secret to the return address: out of the address bar, the
            # history and the server's logs at once (nothing here needs it: the state is the database's).
            outcome = request.GET.get("redirect_status", "")
            clean = f"{request.path}?redirect_status={outcome}" if outcome in REDIRECT_STATUSES else request.path
            return redirect(clean)
        state = selectors.buyer_state(payment)
        return render(
            request,
            self.template_name,
            {
                "payment": payment,
                "order": payment.order,
                "state": state,
                "can_pay": payment.is_open and selectors.minutes_left(payment) > 0,
                "minutes_left": selectors.minutes_left(payment),
            },
        )


@method_decorator(never_cache, name="dispatch")
class StatusView(View):
    """The payment's state for the return page's polling (JSON)."""

    def get(self, request, number):
        payment = selectors.payment_for_buyer(request, number)
        state = selectors.buyer_state(payment)
        return JsonResponse({"state": state.code, "final": state.final, "title": str(state.title)})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's webhook: 400 and nothing written unless the signature verifies; 200 once stored."""
    if not gateway.is_configured():
        return HttpResponseBadRequest("online payment is not configured")
    payload = request.body
    if len(payload) > MAX_WEBHOOK_BYTES:
        return HttpResponseBadRequest("too large")
    try:
        event = gateway.webhook_event(payload, request.headers.get("Stripe-Signature"))
    except gateway.SignatureError:
        return HttpResponseBadRequest("bad signature")
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("bad payload")
    stored = services.event_receive(event=event)
    return JsonResponse({"received": True, "duplicate": not stored})


@method_decorator(never_cache, name="dispatch")
class StaffOrderPaymentView(View):
    """Platform staff: an order's online payment, its event log, its refunds; refund a part or all."""

    template_name = "payments/staff_order.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_platform_staff(request.user):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            refuse()
        return super().dispatch(request, *args, **kwargs)

    def context(self, payment, form=None):
        parts = selectors.parts_money(payment)
        return {
            "payment": payment,
            "order": payment.order,
            "parts": parts,
            "refunds": payment.refunds.select_related("fulfilment__partner", "requested_by"),
            "events": payment.events.select_related("actor"),
            "stripe_events": payment.stripe_events.order_by("received_at", "pk"),
            "refundable": services.refunds.payment_refundable(payment),
            "form": form or StaffRefundForm(parts=parts, initial={"token": secrets.token_hex(16)}),
        }

    def get(self, request, pk):
        payment = selectors.payment_for_staff(pk)
        return render(request, self.template_name, self.context(payment))

    def post(self, request, pk):
        payment = selectors.payment_for_staff(pk)
        parts = selectors.parts_money(payment)
        form = StaffRefundForm(request.POST, parts=parts)
        if form.is_valid():
            data = form.cleaned_data
            fulfilment = None
            if data["part"] != "all":
                fulfilment = next((p.fulfilment for p in parts if str(p.fulfilment.pk) == data["part"]), None)
            amount = data["amount"]
            if fulfilment is not None and amount is None:
                amount = next(p.refundable for p in parts if p.fulfilment == fulfilment)
            try:
                made = services.staff_refund(
                    payment=payment,
                    user=request.user,
                    token=data["token"],
                    amount=amount,
                    fulfilment=fulfilment,
                    reason=data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                total = sum(r.amount for r in made)
                messages.success(
                    request,
                    _("Refund of %(amount)s requested; it is sent to Stripe now and shows here when done.")
                    % {"amount": currency(total, payment.order.currency)},
                )
                return redirect("payments:staff-order", pk=pk)
        return render(request, self.template_name, self.context(payment, form), status=400)
