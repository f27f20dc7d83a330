"""The demo's sample shop, written with ``sample_shop``'s bulk writer
(``populatedb`` is far heavier).

Two channels (USD for the US, EUR for Germany), three warehouses, a shipping
zone with a method per channel, three categories and a few dozen products:
T-shirts with colour x size variants, mugs and bags, published with prices in
both channels and stock in several warehouses, every variant with an EAN. A
few shirts deliberately lack their fabric (metadata ``fabric``) so the demo
shows Amazon's per-SKU issues. Import it once Django is set up.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from saleor.account.models import Address, Group, User
from saleor.account.utils import get_default_customer_type
from saleor.channel.models import Channel
from saleor.permission.models import Permission
from saleor.product.models import Category
from saleor.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingZone,
)
from saleor.tax import TaxCalculationStrategy
from saleor.tax.models import TaxClassCountryRate, TaxConfiguration
from saleor.warehouse.models import Warehouse

from sample_shop.catalog import (
    AttributeSpec,
    ProductSpec,
    ProductTypeSpec,
    SampleType,
    VariantSpec,
    create_product_types,
    write_products,
)

SUPERUSER_EMAIL = "admin@example.com"
SUPERUSER_PASSWORD = "admin"

COLOURS = ("Black", "White", "Navy")
SIZES = ("S", "M", "L")
SHIRTS = (
    "Classic Crew",
    "Organic Basic",
    "Heavyweight",
    "Slim Fit",
    "Pocket Tee",
    "Vintage Wash",
    "Raglan",
    "Long Sleeve",
    "Henley",
    "V-Neck",
)
MUGS = (
    "Classic Mug",
    "Espresso Cup",
    "Travel Mug",
    "Latte Mug",
    "Enamel Camp Mug",
    "Stoneware Mug",
    "Double Wall Glass",
    "Tea Cup",
)
BAGS = ("Urban Backpack", "Weekender", "Tote Bag", "Messenger Bag", "Daypack")
# Shirts without fabric metadata: Amazon's SHIRT type requires fabric_type.
SHIRTS_WITHOUT_FABRIC = ("Raglan", "Henley")

# Amazon matches or creates catalog items by GTIN; every product type it is
# offered here requires one (or an exemption): an EAN on every variant.
EAN = AttributeSpec("ean", "EAN")
APPAREL = ProductTypeSpec(
    slug="apparel",
    name="Apparel",
    selection=(
        AttributeSpec("colour", "Colour", COLOURS),
        AttributeSpec("size", "Size", SIZES),
    ),
    variant_text=(EAN,),
)
GOODS = ProductTypeSpec(slug="goods", name="Goods", variant_text=(EAN,))


@dataclass
class SampleShop:
    channels: dict = field(default_factory=dict)  # "USD"/"EUR" -> Channel
    warehouses: dict = field(default_factory=dict)  # code -> Warehouse
    zones: dict = field(default_factory=dict)  # "DE"/"US" -> ShippingZone
    methods: dict = field(default_factory=dict)  # "DE"/"US" -> ShippingMethod
    categories: dict = field(default_factory=dict)  # slug -> Category
    products: list = field(default_factory=list)
    variant_count: int = 0


def create_superuser() -> User:
    user = User.objects.filter(email=SUPERUSER_EMAIL).first()
    if user is None:
        user = User(
            email=SUPERUSER_EMAIL,
            first_name="Demo",
            last_name="Merchant",
            is_staff=True,
            is_active=True,
            is_superuser=True,
            customer_type=get_default_customer_type(),
        )
        user.set_password(SUPERUSER_PASSWORD)
        user.save()
    # Channel-scoped mutations (orderFulfill) ask for a group giving the channel.
    group, _ = Group.objects.get_or_create(
        name="Demo full access", defaults={"restricted_access_to_channels": False}
    )
    group.permissions.set(Permission.objects.all())
    group.user_set.add(user)
    return user


def build_sample_shop() -> SampleShop:
    """The demo's shop, in one transaction."""
    shop = SampleShop()
    with transaction.atomic():
        _create_channels(shop)
        _create_warehouses(shop)
        _create_shipping(shop)
        _create_categories(shop)
        types = create_product_types(APPAREL, GOODS)
        specs = _product_specs(shop, types)
        shop.products = write_products(specs)
    shop.variant_count = sum(len(spec.variants) for spec in specs)
    return shop


def demo_ean(n: int) -> str:
    """A well-formed EAN-13 (GS1 Germany prefix, valid check digit), unique per n."""
    body = f"400{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def describe(shop: SampleShop) -> str:
    return json.dumps(
        {
            "channels": sorted(shop.channels),
            "warehouses": sorted(shop.warehouses),
            "products": len(shop.products),
            "variants": shop.variant_count,
        }
    )


# -- the shop around the catalog --------------------------------------------------


def _create_channels(shop: SampleShop) -> None:
    for currency, slug, country, with_tax in (
        ("USD", "shop-us", "US", False),
        ("EUR", "shop-de", "DE", True),
    ):
        channel = Channel.objects.create(
            name=f"Shop {country}",
            slug=slug,
            currency_code=currency,
            default_country=country,
            is_active=True,
        )
        TaxConfiguration.objects.create(
            channel=channel,
            charge_taxes=True,
            tax_calculation_strategy=TaxCalculationStrategy.FLAT_RATES,
            prices_entered_with_tax=with_tax,
            display_gross_prices=with_tax,
        )
        shop.channels[currency] = channel
    TaxClassCountryRate.objects.update_or_create(
        country="DE", tax_class=None, defaults={"rate": Decimal(19)}
    )


def _create_warehouses(shop: SampleShop) -> None:
    for code, name, city, postal, country, area, channel in (
        ("berlin", "Berlin", "Berlin", "10115", "DE", "", "EUR"),
        ("leipzig", "Leipzig", "Leipzig", "04109", "DE", "", "EUR"),
        ("newark", "Newark", "Newark", "07102", "US", "NJ", "USD"),
    ):
        address = Address.objects.create(
            company_name=f"Acme {name}",
            street_address_1="Warehouse Road 1",
            city=city,
            postal_code=postal,
            country=country,
            country_area=area,
        )
        warehouse = Warehouse.objects.create(
            name=f"Acme {name}",
            slug=f"acme-{code}",
            address=address,
            email=f"{code}@example.com",
        )
        warehouse.channels.add(shop.channels[channel])
        shop.warehouses[code] = warehouse


def _create_shipping(shop: SampleShop) -> None:
    for country, currency, method_name, price in (
        ("DE", "EUR", "DHL Paket", Decimal("4.90")),
        ("US", "USD", "UPS Ground", Decimal("6.00")),
    ):
        zone = ShippingZone.objects.create(
            name=f"{country} delivery", countries=[country]
        )
        zone.channels.add(shop.channels[currency])
        for warehouse in shop.warehouses.values():
            if warehouse.address.country.code == country:
                warehouse.shipping_zones.add(zone)
        method = ShippingMethod.objects.create(
            name=method_name, shipping_zone=zone, type="price"
        )
        ShippingMethodChannelListing.objects.create(
            shipping_method=method,
            channel=shop.channels[currency],
            minimum_order_price_amount=Decimal(0),
            price_amount=price,
            currency=currency,
        )
        shop.zones[country], shop.methods[country] = zone, method


def _create_categories(shop: SampleShop) -> None:
    for slug, name in (("t-shirts", "T-Shirts"), ("mugs", "Mugs"), ("bags", "Bags")):
        shop.categories[slug] = Category.objects.create(
            name=name, slug=slug, description=_description(name, [name])
        )


# -- the catalog ----------------------------------------------------------------


def _product_specs(shop: SampleShop, types: dict[str, SampleType]) -> list[ProductSpec]:
    """Shirts (colour x size), mugs and bags. Products and variants are
    numbered from 1, in this order: the demo's database is fresh, so these
    are also their ids, which the SKUs and EANs have always been made of."""
    lines = []  # (name, category, product type, price in EUR, variants, fabric)
    for i, name in enumerate(SHIRTS):
        fabric = "" if name in SHIRTS_WITHOUT_FABRIC else "100% cotton"
        lines.append((f"{name} T-Shirt", "t-shirts", "apparel", 19 + i, 3, fabric))
    for i, name in enumerate(MUGS):
        lines.append((name, "mugs", "goods", 9 + i, 1, ""))
    for i, name in enumerate(BAGS):
        lines.append((name, "bags", "goods", 49 + 10 * i, 1, ""))

    specs = []
    variant_number = 0
    for number, (name, category, product_type, price, count, fabric) in enumerate(
        lines, start=1
    ):
        slug = name.lower().replace(" ", "-")
        code = "".join(w[0] for w in slug.split("-")).upper()
        variants = []
        for j in range(count):
            variant_number += 1
            variants.append(
                _variant_spec(shop, code, number, j, count, variant_number, price)
            )
        specs.append(
            ProductSpec(
                name=f"Acme {name}",
                slug=slug,
                product_type=types[product_type],
                category=shop.categories[category],
                channels=list(shop.channels.values()),
                variants=variants,
                description=_description(
                    f"The Acme {name}, made to last.",
                    [f"Acme {name}", "Designed in Berlin", "Ships in 2 days"],
                ),
                seo_title=f"Acme {name}",
                seo_description=f"Buy the Acme {name} online.",
                metadata={"fabric": fabric} if fabric else {},
                media_url=f"https://cdn.example.com/{slug}.jpg",
            )
        )
    return specs


def _variant_spec(
    shop: SampleShop,
    code: str,
    product_number: int,
    j: int,
    count: int,
    variant_number: int,
    price_eur: int,
) -> VariantSpec:
    """Variant ``j`` of ``count``: shirts come in colour x size, the rest as
    one variant. Priced in both channels, stocked in every warehouse."""
    eur = Decimal(price_eur)
    usd = (eur * Decimal("1.1")).quantize(Decimal("1")) - Decimal("0.01")
    n = variant_number - 1
    spec = VariantSpec(
        sku=f"AC-{code}-{product_number}",
        name="",
        prices={
            shop.channels["USD"]: (usd, None),
            shop.channels["EUR"]: (eur - Decimal("0.10"), None),
        },
        stock=[
            (shop.warehouses["berlin"], 5 + n % 7, 0),
            (shop.warehouses["leipzig"], 10 + n % 5, 0),
            (shop.warehouses["newark"], 20, 0),
        ],
        texts={"ean": demo_ean(variant_number)},
    )
    if count > 1:
        colour, size = COLOURS[j % 3], SIZES[(j + product_number) % 3]
        spec.sku = f"{spec.sku}-{colour[:3].upper()}-{size}"
        spec.name = f"{colour} / {size}"
        spec.choices = {"colour": colour, "size": size}
    else:
        spec.name = spec.sku
    return spec


def _description(text: str, bullets: list[str]) -> dict[str, Any]:
    return {
        "time": 1700000000000,
        "blocks": [
            {"id": "p1", "type": "paragraph", "data": {"text": text}},
            {
                "id": "l1",
                "type": "list",
                "data": {"style": "unordered", "items": bullets},
            },
        ],
        "version": "2.24.3",
    }
