"""Checkout views.

The delivery address is a Chinese one (``forms.ShippingAddressForm``); a signed-in buyer picks
one of their address book, the default one chosen already. How the buyer pays is the payment
policy's (``payment.policy_for``; today bank transfer against invoice after acceptance, 先货后款),
so nothing is entered at the payment step: it goes straight to the preview, which shows the
policy's text, as does the thank-you page. A repeated "place order" answers with the order
already placed (``services.order_place``).
"""

import json
from functools import cache

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.cache import patch_cache_control
from django.views import View
from oscar.apps.checkout import views
from oscar.core.loading import get_model

from core import regions
from marketplace.accounts.forms import GatewayForm
from marketplace.checkout import payment, selectors
from marketplace.checkout.forms import UserAddressForm
from marketplace.checkout.mixins import PLACED_ORDERS_SESSION_KEY
from marketplace.procurement.views_orders import unit_purchase_context, unit_purchase_from_post

Order = get_model("order", "Order")


class ShippingAddressView(views.ShippingAddressView):
    """Oscar's address step: the buyer's addresses as choices (the default one checked) or a new one."""

    def get_available_addresses(self):
        return selectors.delivery_addresses_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        addresses = list(ctx.get("addresses") or [])
        ctx["addresses"] = addresses
        chosen = self.checkout_session.shipping_user_address_id()
        ctx["chosen_address_id"] = next(
            (a.pk for a in addresses if a.pk == chosen), addresses[0].pk if addresses else None
        )
        # A new address is typed in when there is none to choose, or the typed one had a mistake.
        form = ctx.get("form")
        ctx["new_address_open"] = not addresses or bool(form is not None and form.is_bound)
        return ctx

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated and "address_id" in request.POST:
            address = selectors.user_address_for(user=request.user, pk=request.POST["address_id"])
            if address is None or request.POST.get("action") != "ship_to":
                raise Http404  # not one of the buyer's addresses
            self.checkout_session.ship_to_user_address(address)
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class UserAddressUpdateView(views.UserAddressUpdateView):
    form_class = UserAddressForm


class UserAddressDeleteView(views.UserAddressDeleteView):
    pass


@cache
def _region_children_json(code: str) -> bytes:
    province = regions.region(code)
    cities = [
        {"code": city.code, "name": city.name, "districts": [[d.code, d.name] for d in regions.children(city.code)]}
        for city in regions.children(code)
    ]
    return json.dumps({"province": code, "place": province.country, "cities": cities}, ensure_ascii=False).encode()


class RegionChildrenView(View):
    """The cities and districts of one province (``?province=44``), for the address form.

    One small response per province chosen instead of the whole tree on every page; the
    data changes once a year, so browsers and proxies keep it for a day.
    """

    def get(self, request):
        code = request.GET.get("province", "")
        found = regions.region(code)
        if found is None or found.level != 1:
            raise Http404
        response = HttpResponse(_region_children_json(found.code), content_type="application/json")
        response["ETag"] = f'"{regions.data_version()}-{found.code}"'
        patch_cache_control(response, public=True, max_age=86400)
        return response


class PaymentMethodView(views.PaymentMethodView):
    success_url = reverse_lazy("checkout:preview")


class PaymentDetailsView(views.PaymentDetailsView):
    def get(self, request, *args, **kwargs):
        if not self.preview:  # nothing to fill in: the preview is the next step
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        # A retry after the order went through (reload, back button, second tab): the basket
        # is submitted and empty now, so Oscar would send the buyer back to the basket before
        # the placement could answer with the order. Ask the same key first: the basket.
        if request.method == "POST" and request.POST.get("action") == "place_order":
            # Load the basket before looking for the order: if the order commits in between,
            # the look finds it; if not, this request still holds the open basket and queues
            # behind the placement on the basket row (``services.order_place``).
            getattr(request.basket, "pk", None)
            order = self.placed_order_for(request, request.POST.get("basket_token", ""))
            if order is not None:
                request.session["checkout_order_id"] = order.pk
                return self.payment_redirect(order) or redirect("checkout:thank-you")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["payment_policy"] = payment.policy_for(self.request.user, self.request.basket)
        ctx["online_payment_available"] = payment.online_payment_available()
        ctx.update(unit_purchase_context(self.request.user, self.checkout_session, ctx, self.request.basket))
        return ctx

    def post(self, request, *args, **kwargs):
        # A budget unit's buyer sends the unit and the latest ship date with the order: a unit they
        # do not buy for, or another number of days, is refused before anything is placed.
        if request.POST.get("action") == "place_order":
            refusal = unit_purchase_from_post(request, self.checkout_session)
            if refusal:
                messages.error(request, refusal)
                return redirect("checkout:preview")
        return super().post(request, *args, **kwargs)

    @staticmethod
    def placed_order_for(request, token: str):
        """The order of the basket named by the form, if this session or user placed it."""
        if not token.isdigit():
            return None
        order = selectors.placed_order_for_basket(int(token))
        if order is None:
            return None
        mine = order.pk in request.session.get(PLACED_ORDERS_SESSION_KEY, []) or (
            request.user.is_authenticated and order.user_id == request.user.pk
        )
        return order if mine else None


class ThankYouView(views.ThankYouView):
    """Oscar's thank-you page, with how the order is paid (the payment policy's text)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = ctx.get("order")
        if order is not None:
            ctx["payment_policy"] = payment.policy_of_order(order)
            ctx["online_payment"] = getattr(order, "online_payment", None)
        return ctx


def unit_purchase_of(order) -> tuple:
    """``(purchase, total)`` of a budget unit's order for ``payment.policy_for`` (its unit's payment
    mode; the approval wait while it lasts), or ``()`` for any other order."""
    from marketplace.procurement.models import ApprovalStatus
    from marketplace.procurement.ordering import UnitPurchase

    unit_order = getattr(order, "unit_order", None)
    if unit_order is None:
        return ()
    purchase = UnitPurchase(unit=unit_order.unit, ship_within_days=unit_order.ship_within_days)
    waiting = unit_order.approval_status == ApprovalStatus.PENDING
    return purchase, order.total_incl_tax if waiting else None


class IndexView(views.IndexView):
    """The checkout's first step (guest, new account or sign in).

    Its sign-in goes through the login throttle like every login (django-axes needs the
    request), and it does not tell which addresses have an account (``GatewayForm``).
    """

    form_class = GatewayForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs
