import re

import pytest

from saleor_amazon_feeds.amazon.marketplaces import (
    MARKETPLACES,
    REGIONS,
    Region,
    UnknownMarketplaceError,
    get_marketplace,
    get_marketplace_by_country,
    get_region,
    marketplaces_in_region,
    region_endpoint,
)

EXPECTED = {
    "ATVPDKIKX0DER": ("US", Region.NA),
    "A2EUQ1WTGCTBG2": ("CA", Region.NA),
    "A1AM78C64UM0Y8": ("MX", Region.NA),
    "A2Q3Y263D00KWC": ("BR", Region.NA),
    "A1PA6795UKMFR9": ("DE", Region.EU),
    "A13V1IB3VIYZZH": ("FR", Region.EU),
    "APJ6JRA9NG5V4": ("IT", Region.EU),
    "A1RKKUPIHCS9HS": ("ES", Region.EU),
    "A1F83G8C2ARO7P": ("UK", Region.EU),
    "A1805IZSGTT6HS": ("NL", Region.EU),
    "A2NODRKZP88ZB9": ("SE", Region.EU),
    "A1C3SOZRARQ6R3": ("PL", Region.EU),
    "AMEN7PMS3EDWL": ("BE", Region.EU),
    "A28R8C7NBKEWEA": ("IE", Region.EU),
    "A33AVAJ2PDY3EV": ("TR", Region.EU),
    "ARBP9OOSHTCHU": ("EG", Region.EU),
    "A17E79C6D8DWNP": ("SA", Region.EU),
    "A2VIGQ35RCS4UG": ("AE", Region.EU),
    "A21TJRUUN4KGV": ("IN", Region.EU),
    "AE08WJ6YKNBMC": ("ZA", Region.EU),
    "A1VC38T7YXB528": ("JP", Region.FE),
    "A39IBJ37TRP1C6": ("AU", Region.FE),
    "A19VAU5U5O7RUS": ("SG", Region.FE),
}


def test_table_matches_amazons_marketplace_ids():
    assert {m.id: (m.country_code, m.region) for m in MARKETPLACES} == EXPECTED


def test_entries_are_complete_and_unique():
    assert len({m.id for m in MARKETPLACES}) == len(MARKETPLACES)
    assert len({m.country_code for m in MARKETPLACES}) == len(MARKETPLACES)
    for m in MARKETPLACES:
        assert re.fullmatch(r"[A-Z]{3}", m.currency), m
        assert re.fullmatch(r"[a-z]{2}_[A-Z]{2}", m.language), m
        assert m.domain.startswith("amazon."), m
        assert m.name
        assert m.endpoint == REGIONS[m.region].endpoint


def test_euro_marketplaces_use_eur():
    for code in ("DE", "FR", "IT", "ES", "NL", "BE", "IE"):
        assert get_marketplace_by_country(code).currency == "EUR"
    assert get_marketplace_by_country("UK").currency == "GBP"
    assert get_marketplace_by_country("gb").id == "A1F83G8C2ARO7P"


def test_lookup_by_id():
    de = get_marketplace("A1PA6795UKMFR9")
    assert (de.country_code, de.currency, de.language) == ("DE", "EUR", "de_DE")
    assert de.endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert de.sandbox_endpoint == "https://sandbox.sellingpartnerapi-eu.amazon.com"


def test_unknown_ids_raise_a_clear_error():
    with pytest.raises(UnknownMarketplaceError, match="'XYZ'"):
        get_marketplace("XYZ")
    with pytest.raises(UnknownMarketplaceError, match="country 'ZZ'"):
        get_marketplace_by_country("ZZ")
    with pytest.raises(UnknownMarketplaceError, match="region"):
        get_region("MOON")


def test_region_endpoints():
    assert region_endpoint("na") == "https://sellingpartnerapi-na.amazon.com"
    assert region_endpoint(Region.FE) == "https://sellingpartnerapi-fe.amazon.com"
    assert (
        region_endpoint("EU", sandbox=True)
        == "https://sandbox.sellingpartnerapi-eu.amazon.com"
    )
    assert {m.country_code for m in marketplaces_in_region("FE")} == {"JP", "AU", "SG"}
