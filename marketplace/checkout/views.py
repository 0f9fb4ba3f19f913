"""Checkout views.

Payment is bank transfer against invoice after acceptance (先货后款), so nothing is entered
at the payment step: it goes straight to the preview. A repeated "place order" answers
with the order already placed.
"""

from django.shortcuts import redirect
from django.urls import reverse_lazy
from oscar.apps.checkout import views
from oscar.core.loading import get_model

from marketplace.checkout.mixins import PLACED_ORDERS_SESSION_KEY

Order = get_model("order", "Order")


class PaymentMethodView(views.PaymentMethodView):
    success_url = reverse_lazy("checkout:preview")


class PaymentDetailsView(views.PaymentDetailsView):
    def get(self, request, *args, **kwargs):
        if not self.preview:  # nothing to fill in: the preview is the next step
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        # A retry after the order went through (reload, back button, second tab): the basket
        # is submitted and empty now, so Oscar would send the buyer back to the basket.
        if request.method == "POST" and request.POST.get("action") == "place_order":
            order = self.placed_order_for(request, request.POST.get("basket_token", ""))
            if order is not None:
                request.session["checkout_order_id"] = order.pk
                return redirect("checkout:thank-you")
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def placed_order_for(request, token: str):
        if not token.isdigit():
            return None
        order = Order.objects.filter(basket_id=int(token)).first()
        if order is None:
            return None
        mine = order.pk in request.session.get(PLACED_ORDERS_SESSION_KEY, []) or (
            request.user.is_authenticated and order.user_id == request.user.pk
        )
        return order if mine else None
