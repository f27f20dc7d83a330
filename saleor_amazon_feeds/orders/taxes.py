"""Tax rates for splitting the VAT-inclusive prices Amazon reports without tax.

The rate is the one Saleor's flat-rate configuration of the channel gives for
the destination country and the product's (or shipping method's) tax class,
and 0 where the channel charges no taxes, so the Saleor order shows the tax the
shop would have charged for the same sale.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from saleor.channel.models import Channel
from saleor.tax.models import TaxClassCountryRate

# {country: {tax class pk, or None for the country's default rate: rate as a fraction}}
TaxRates = dict[str, dict[int | None, Decimal]]


def tax_rates(channel: Channel, countries: Iterable[str]) -> TaxRates:
    """The rates of ``countries`` in one query; 0 (no entry) where the
    channel charges no taxes."""
    countries = set(countries)
    config = getattr(channel, "tax_configuration", None)
    charge = {c: bool(config.charge_taxes) if config else True for c in countries}
    if config is not None:
        for exception in config.country_exceptions.filter(country__in=countries):
            charge[str(exception.country)] = exception.charge_taxes
    rates: TaxRates = {c: {} for c in countries}
    for rate in TaxClassCountryRate.objects.filter(country__in=countries):
        country = str(rate.country)
        if charge.get(country):
            rates[country][rate.tax_class_id] = Decimal(rate.rate) / 100
    return rates


def rate_for(rates: TaxRates, country: str, tax_class_id: int | None) -> Decimal:
    """The class's rate in ``country``, else the country's default rate, else 0
    (as Saleor's flat rates treat a class without a rate of its own)."""
    by_class = rates.get(country, {})
    if tax_class_id in by_class:
        return by_class[tax_class_id]
    return by_class.get(None, Decimal(0))
