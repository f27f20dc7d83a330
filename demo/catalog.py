"""A small sample shop written through Saleor's ORM (``populatedb`` is far heavier).

Two channels (USD for the US, EUR for Germany), three warehouses, a shipping
zone with a method per channel, three categories and a few dozen products:
T-shirts with colour x size variants, mugs and bags, published with prices in
both channels and stock in several warehouses. A few shirts deliberately lack
their fabric (metadata ``fabric``) so the demo shows Amazon's per-SKU issues.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

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


@dataclass
class SampleShop:
    channels: dict = field(default_factory=dict)  # "USD"/"EUR" -> Channel
    warehouses: dict = field(default_factory=dict)  # code -> Warehouse
    zones: dict = field(default_factory=dict)  # "DE"/"US" -> ShippingZone
    methods: dict = field(default_factory=dict)  # "DE"/"US" -> ShippingMethod
    categories: dict = field(default_factory=dict)  # slug -> Category
    products: list = field(default_factory=list)
    variant_count: int = 0


def _description(text: str, bullets: list[str]) -> dict:
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


def create_superuser():
    from saleor.account.models import Group, User
    from saleor.account.utils import get_default_customer_type
    from saleor.permission.models import Permission

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
    from django.db import transaction
    from saleor.account.models import Address
    from saleor.attribute import AttributeInputType, AttributeType
    from saleor.attribute.models import (
        AssignedVariantAttribute,
        AssignedVariantAttributeValue,
        Attribute,
        AttributeValue,
        AttributeVariant,
    )
    from saleor.channel.models import Channel
    from saleor.product import ProductMediaTypes
    from saleor.product.models import (
        Category,
        Product,
        ProductChannelListing,
        ProductMedia,
        ProductType,
        ProductVariant,
        ProductVariantChannelListing,
    )
    from saleor.shipping.models import (
        ShippingMethod,
        ShippingMethodChannelListing,
        ShippingZone,
    )
    from saleor.tax import TaxCalculationStrategy
    from saleor.tax.models import TaxClassCountryRate, TaxConfiguration
    from saleor.warehouse.models import Stock, Warehouse

    shop = SampleShop()
    with transaction.atomic():
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

        colour = Attribute.objects.create(
            slug="colour",
            name="Colour",
            type=AttributeType.PRODUCT_TYPE,
            input_type=AttributeInputType.DROPDOWN,
        )
        size = Attribute.objects.create(
            slug="size",
            name="Size",
            type=AttributeType.PRODUCT_TYPE,
            input_type=AttributeInputType.DROPDOWN,
        )
        ean = Attribute.objects.create(
            slug="ean",
            name="EAN",
            type=AttributeType.PRODUCT_TYPE,
            input_type=AttributeInputType.PLAIN_TEXT,
        )
        colour_values = {
            n: AttributeValue.objects.create(attribute=colour, name=n, slug=n.lower())
            for n in COLOURS
        }
        size_values = {
            n: AttributeValue.objects.create(attribute=size, name=n, slug=n.lower())
            for n in SIZES
        }
        apparel = ProductType.objects.create(
            name="Apparel", slug="apparel", has_variants=True
        )
        colour_sel, size_sel = AttributeVariant.objects.bulk_create(
            [
                AttributeVariant(
                    attribute=colour,
                    product_type=apparel,
                    variant_selection=True,
                    sort_order=0,
                ),
                AttributeVariant(
                    attribute=size,
                    product_type=apparel,
                    variant_selection=True,
                    sort_order=1,
                ),
            ]
        )
        goods = ProductType.objects.create(
            name="Goods", slug="goods", has_variants=False
        )
        # Amazon matches or creates catalog items by GTIN; every product type
        # it offers here requires one (or an exemption).
        ean_sel = {
            product_type.pk: AttributeVariant.objects.create(
                attribute=ean, product_type=product_type, sort_order=2
            )
            for product_type in (apparel, goods)
        }
        for slug, name in (
            ("t-shirts", "T-Shirts"),
            ("mugs", "Mugs"),
            ("bags", "Bags"),
        ):
            shop.categories[slug] = Category.objects.create(
                name=name, slug=slug, description=_description(name, [name])
            )

        specs = []  # (name, category, product type, price EUR, variants, fabric)
        for i, name in enumerate(SHIRTS):
            fabric = "" if name in SHIRTS_WITHOUT_FABRIC else "100% cotton"
            specs.append((f"{name} T-Shirt", "t-shirts", apparel, 19 + i, 3, fabric))
        for i, name in enumerate(MUGS):
            specs.append((name, "mugs", goods, 9 + i, 1, ""))
        for i, name in enumerate(BAGS):
            specs.append((name, "bags", goods, 49 + 10 * i, 1, ""))

        products = []
        for name, category, product_type, _, _, fabric in specs:
            slug = name.lower().replace(" ", "-")
            product = Product(
                name=f"Acme {name}",
                slug=slug,
                product_type=product_type,
                category=shop.categories[category],
                description=_description(
                    f"The Acme {name}, made to last.",
                    [f"Acme {name}", "Designed in Berlin", "Ships in 2 days"],
                ),
                seo_title=f"Acme {name}",
                seo_description=f"Buy the Acme {name} online.",
                metadata={"fabric": fabric} if fabric else {},
            )
            products.append(product)
        Product.objects.bulk_create(products)
        ProductMedia.objects.bulk_create(
            ProductMedia(
                product=p,
                type=ProductMediaTypes.IMAGE,
                external_url=f"https://cdn.example.com/{p.slug}.jpg",
                alt=p.name,
            )
            for p in products
        )
        ProductChannelListing.objects.bulk_create(
            ProductChannelListing(
                product=p,
                channel=channel,
                is_published=True,
                visible_in_listings=True,
                available_for_purchase_at="2024-01-01T00:00:00Z",
                currency=channel.currency_code,
                discounted_price_dirty=True,
            )
            for p in products
            for channel in shop.channels.values()
        )

        variants, selections = [], []
        for product, (_, _, _, price, count, _) in zip(products, specs, strict=True):
            code = "".join(w[0] for w in product.slug.split("-")).upper()
            for j in range(count):
                if count > 1:
                    c, s = COLOURS[j % 3], SIZES[(j + product.pk) % 3]
                    sku = f"AC-{code}-{product.pk}-{c[:3].upper()}-{s}"
                    variant = ProductVariant(
                        product=product, sku=sku, name=f"{c} / {s}", sort_order=j
                    )
                    selections.append((variant, c, s))
                else:
                    sku = f"AC-{code}-{product.pk}"
                    variant = ProductVariant(product=product, sku=sku, name=sku)
                variant.amazon_demo_price = Decimal(price)
                variants.append(variant)
        ProductVariant.objects.bulk_create(variants)
        listings = []
        for v in variants:
            for currency, channel in shop.channels.items():
                amount = v.amazon_demo_price
                if currency == "USD":
                    amount = (amount * Decimal("1.1")).quantize(Decimal("1")) - Decimal(
                        "0.01"
                    )
                else:
                    amount -= Decimal("0.10")
                listings.append(
                    ProductVariantChannelListing(
                        variant=v,
                        channel=channel,
                        price_amount=amount,
                        discounted_price_amount=amount,
                        currency=currency,
                    )
                )
        ProductVariantChannelListing.objects.bulk_create(listings)
        assignments = AssignedVariantAttribute.objects.bulk_create(
            AssignedVariantAttribute(variant=v, assignment=sel)
            for v, _, _ in selections
            for sel in (colour_sel, size_sel)
        )
        AssignedVariantAttributeValue.objects.bulk_create(
            AssignedVariantAttributeValue(assignment=a, variant=a.variant, value=value)
            for a, value in zip(
                assignments,
                [
                    value
                    for _, c, s in selections
                    for value in (colour_values[c], size_values[s])
                ],
                strict=True,
            )
        )
        ean_assignments = AssignedVariantAttribute.objects.bulk_create(
            AssignedVariantAttribute(
                variant=v, assignment=ean_sel[v.product.product_type_id]
            )
            for v in variants
        )
        ean_values = AttributeValue.objects.bulk_create(
            AttributeValue(
                attribute=ean,
                name=demo_ean(v.pk),
                slug=f"ean-{v.pk}",
                plain_text=demo_ean(v.pk),
            )
            for v in variants
        )
        AssignedVariantAttributeValue.objects.bulk_create(
            AssignedVariantAttributeValue(assignment=a, variant=a.variant, value=value)
            for a, value in zip(ean_assignments, ean_values, strict=True)
        )
        stocks = []
        for n, v in enumerate(variants):
            stocks += [
                Stock(
                    warehouse=shop.warehouses["berlin"],
                    product_variant=v,
                    quantity=5 + n % 7,
                ),
                Stock(
                    warehouse=shop.warehouses["leipzig"],
                    product_variant=v,
                    quantity=10 + n % 5,
                ),
                Stock(
                    warehouse=shop.warehouses["newark"],
                    product_variant=v,
                    quantity=20,
                ),
            ]
        Stock.objects.bulk_create(stocks)
    shop.products = products
    shop.variant_count = len(variants)
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
