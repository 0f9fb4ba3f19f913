"""What checkout needs on a new installation (staff edit both later): two shipping methods,
parcel and cold chain, and the places we ship to (mainland China, Hong Kong, Macau)."""

from decimal import Decimal

from django.db import migrations

METHODS = [
    {
        "code": "parcel",
        "name": "普通快递",
        "description": "常温商品，3 天内发货",
        "cold_chain": False,
        "charge": Decimal("10.00"),
        "free_over": Decimal("99.00"),
        "ship_within_days": 3,
        "position": 1,
    },
    {
        "code": "cold-chain",
        "name": "冷链物流",
        "description": "冷藏、冷冻商品全程冷链，2 天内发货",
        "cold_chain": True,
        "charge": Decimal("25.00"),
        "free_over": Decimal("299.00"),
        "ship_within_days": 2,
        "position": 2,
    },
]


COUNTRIES = [
    ("CN", "CHN", "156", "中国", "People's Republic of China", 1),
    ("HK", "HKG", "344", "中国香港", "Hong Kong", 2),
    ("MO", "MAC", "446", "中国澳门", "Macao", 3),
]


def create(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    for a2, a3, numeric, printable, name, order in COUNTRIES:
        Country.objects.update_or_create(
            iso_3166_1_a2=a2,
            defaults={
                "iso_3166_1_a3": a3,
                "iso_3166_1_numeric": numeric,
                "printable_name": printable,
                "name": name,
                "display_order": order,
                "is_shipping_country": True,
            },
        )
    ShippingMethod = apps.get_model("fulfilment", "ShippingMethod")
    for method in METHODS:
        ShippingMethod.objects.get_or_create(code=method["code"], defaults=method)


class Migration(migrations.Migration):
    dependencies = [("fulfilment", "0001_fulfilments_and_settlement"), ("address", "0007_useraddress_code")]
    # Reversing keeps the methods: fulfilments may point at them.
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
