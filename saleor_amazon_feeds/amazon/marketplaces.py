"""Every SP-API marketplace and the endpoints of the three SP-API regions.

Ids and regions: https://developer-docs.amazon.com/sp-api/docs/marketplace-ids
Endpoints: https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints
Default currency/language follow what getMarketplaceParticipations reports
(``defaultCurrencyCode``/``defaultLanguageCode``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"

    @property
    def label(self) -> str:
        return _REGION_LABELS[self]


_REGION_LABELS = {
    Region.NA: "North America",
    Region.EU: "Europe",
    Region.FE: "Far East",
}


@dataclass(frozen=True)
class RegionEndpoints:
    endpoint: str
    sandbox_endpoint: str
    aws_region: str


REGIONS: dict[Region, RegionEndpoints] = {
    Region.NA: RegionEndpoints(
        "https://sellingpartnerapi-na.amazon.com",
        "https://sandbox.sellingpartnerapi-na.amazon.com",
        "us-east-1",
    ),
    Region.EU: RegionEndpoints(
        "https://sellingpartnerapi-eu.amazon.com",
        "https://sandbox.sellingpartnerapi-eu.amazon.com",
        "eu-west-1",
    ),
    Region.FE: RegionEndpoints(
        "https://sellingpartnerapi-fe.amazon.com",
        "https://sandbox.sellingpartnerapi-fe.amazon.com",
        "us-west-2",
    ),
}

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


@dataclass(frozen=True)
class Marketplace:
    id: str
    country_code: str
    name: str
    currency: str
    language: str
    region: Region
    domain: str

    @property
    def endpoint(self) -> str:
        return REGIONS[self.region].endpoint

    @property
    def sandbox_endpoint(self) -> str:
        return REGIONS[self.region].sandbox_endpoint


_R = Region
MARKETPLACES: tuple[Marketplace, ...] = (
    # North America
    Marketplace(
        "ATVPDKIKX0DER", "US", "United States", "USD", "en_US", _R.NA, "amazon.com"
    ),
    Marketplace("A2EUQ1WTGCTBG2", "CA", "Canada", "CAD", "en_CA", _R.NA, "amazon.ca"),
    Marketplace(
        "A1AM78C64UM0Y8", "MX", "Mexico", "MXN", "es_MX", _R.NA, "amazon.com.mx"
    ),
    Marketplace(
        "A2Q3Y263D00KWC", "BR", "Brazil", "BRL", "pt_BR", _R.NA, "amazon.com.br"
    ),
    # Europe (the EU endpoint also serves the Middle East and India)
    Marketplace("A1PA6795UKMFR9", "DE", "Germany", "EUR", "de_DE", _R.EU, "amazon.de"),
    Marketplace("A13V1IB3VIYZZH", "FR", "France", "EUR", "fr_FR", _R.EU, "amazon.fr"),
    Marketplace("APJ6JRA9NG5V4", "IT", "Italy", "EUR", "it_IT", _R.EU, "amazon.it"),
    Marketplace("A1RKKUPIHCS9HS", "ES", "Spain", "EUR", "es_ES", _R.EU, "amazon.es"),
    Marketplace(
        "A1F83G8C2ARO7P", "UK", "United Kingdom", "GBP", "en_GB", _R.EU, "amazon.co.uk"
    ),
    Marketplace(
        "A1805IZSGTT6HS", "NL", "Netherlands", "EUR", "nl_NL", _R.EU, "amazon.nl"
    ),
    Marketplace("A2NODRKZP88ZB9", "SE", "Sweden", "SEK", "sv_SE", _R.EU, "amazon.se"),
    Marketplace("A1C3SOZRARQ6R3", "PL", "Poland", "PLN", "pl_PL", _R.EU, "amazon.pl"),
    Marketplace(
        "AMEN7PMS3EDWL", "BE", "Belgium", "EUR", "fr_BE", _R.EU, "amazon.com.be"
    ),
    Marketplace("A28R8C7NBKEWEA", "IE", "Ireland", "EUR", "en_IE", _R.EU, "amazon.ie"),
    Marketplace(
        "A33AVAJ2PDY3EV", "TR", "Turkey", "TRY", "tr_TR", _R.EU, "amazon.com.tr"
    ),
    Marketplace("ARBP9OOSHTCHU", "EG", "Egypt", "EGP", "en_AE", _R.EU, "amazon.eg"),
    Marketplace(
        "A17E79C6D8DWNP", "SA", "Saudi Arabia", "SAR", "en_AE", _R.EU, "amazon.sa"
    ),
    Marketplace(
        "A2VIGQ35RCS4UG",
        "AE",
        "United Arab Emirates",
        "AED",
        "en_AE",
        _R.EU,
        "amazon.ae",
    ),
    Marketplace("A21TJRUUN4KGV", "IN", "India", "INR", "en_IN", _R.EU, "amazon.in"),
    Marketplace(
        "AE08WJ6YKNBMC", "ZA", "South Africa", "ZAR", "en_ZA", _R.EU, "amazon.co.za"
    ),
    # Far East
    Marketplace("A1VC38T7YXB528", "JP", "Japan", "JPY", "ja_JP", _R.FE, "amazon.co.jp"),
    Marketplace(
        "A39IBJ37TRP1C6", "AU", "Australia", "AUD", "en_AU", _R.FE, "amazon.com.au"
    ),
    Marketplace(
        "A19VAU5U5O7RUS", "SG", "Singapore", "SGD", "en_SG", _R.FE, "amazon.sg"
    ),
)

_BY_ID = {m.id: m for m in MARKETPLACES}
# Amazon says "UK"; ISO 3166 says "GB". Accept both so callers need not care.
_BY_COUNTRY = {m.country_code: m for m in MARKETPLACES} | {
    "GB": _BY_ID["A1F83G8C2ARO7P"]
}


class UnknownMarketplaceError(LookupError):
    """A marketplace id, country or region this table does not know."""


def get_marketplace(marketplace_id: str) -> Marketplace:
    try:
        return _BY_ID[marketplace_id]
    except KeyError:
        raise UnknownMarketplaceError(
            f"Unknown Amazon marketplace id {marketplace_id!r}; known ids: "
            + ", ".join(f"{m.id} ({m.country_code})" for m in MARKETPLACES)
        ) from None


def get_marketplace_by_country(country_code: str) -> Marketplace:
    try:
        return _BY_COUNTRY[country_code.upper()]
    except KeyError:
        raise UnknownMarketplaceError(
            f"No Amazon marketplace for country {country_code!r}; known: "
            + ", ".join(sorted(_BY_COUNTRY))
        ) from None


def is_known_marketplace(marketplace_id: str) -> bool:
    return marketplace_id in _BY_ID


def get_region(region: str | Region) -> Region:
    try:
        return Region(str(region).upper())
    except ValueError:
        raise UnknownMarketplaceError(
            f"Unknown SP-API region {region!r}; expected one of NA, EU, FE"
        ) from None


def marketplaces_in_region(region: str | Region) -> tuple[Marketplace, ...]:
    r = get_region(region)
    return tuple(m for m in MARKETPLACES if m.region is r)


def region_endpoint(region: str | Region, *, sandbox: bool = False) -> str:
    """Base URL of SP-API for a region; ``sandbox`` picks Amazon's own sandbox."""
    endpoints = REGIONS[get_region(region)]
    return endpoints.sandbox_endpoint if sandbox else endpoints.endpoint
