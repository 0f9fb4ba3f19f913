"""Checkout views.

Payment is bank transfer against invoice after acceptance (先货后款), so nothing is entered
at the payment step: it goes straight to the preview. A repeated "place order" answers
with the order already placed.
"""

from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from oscar.apps.checkout import views
from oscar.core.loading import get_model

from marketplace.accounts.forms import GatewayForm
from marketplace.checkout.mixins import PLACED_ORDERS_SESSION_KEY

Basket = get_model("basket", "Basket")
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
            # Load the basket before looking for the order: if the order commits in between,
            # the look finds it; if not, this request queues behind it in ``submit``.
            getattr(request.basket, "pk", None)
            order = self.placed_order_for(request, request.POST.get("basket_token", ""))
            if order is not None:
                request.session["checkout_order_id"] = order.pk
                return redirect("checkout:thank-you")
        return super().dispatch(request, *args, **kwargs)

    def submit(self, **kwargs):
        """Oscar's submission, with the basket row locked from the freeze to the placed order.

        Oscar freezes (and saves) the basket before placing the order; unlocked, a second
        click arriving in between would find neither an open basket nor an order and be sent
        to an empty basket. Locked, it waits here and is answered with the order.
        """
        basket = kwargs["basket"]
        with transaction.atomic():
            Basket.objects.select_for_update().filter(pk=basket.pk).values_list("pk").first()
            order = Order.objects.filter(basket_id=basket.pk).first()
            if order is not None:
                return self.answer_with_placed_order(order)
            return super().submit(**kwargs)

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
