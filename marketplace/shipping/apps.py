import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    """Oscar shipping fork: its ``Repository`` is Oscar's documented override point for shipping
    methods, and ours charges each cooperative's shipment separately (see ``repository``)."""

    name = "marketplace.shipping"
