import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar checkout fork: places the order with safe stock allocation, creates one fulfilment
    per cooperative in the same transaction, and answers a repeated submission with the order
    it already placed (``mixins.OrderPlacementMixin``, ``views.PaymentDetailsView``)."""

    name = "marketplace.checkout"
