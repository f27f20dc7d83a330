import pytest

from saleor_amazon_feeds.mapping.gtin import gtin_type, normalize_gtin


@pytest.mark.parametrize(
    ("raw", "expected", "kind"),
    [
        ("4006381333931", "4006381333931", "ean"),
        ("400-6381 333931", "4006381333931", "ean"),
        ("036000291452", "036000291452", "upc"),
        ("96385074", "96385074", "ean"),
        ("00012345600012", "00012345600012", "gtin"),
        (4006381333931, "4006381333931", "ean"),
    ],
)
def test_valid_codes(raw, expected, kind):
    assert normalize_gtin(raw) == expected
    assert gtin_type(expected) == kind


@pytest.mark.parametrize(
    "raw",
    [
        "4006381333932",  # wrong check digit
        "400638133393",  # 12 digits, wrong check digit
        "40063813339310",  # 14 digits, wrong check digit
        "12345",
        "0000000000000",
        "40063813339３1",  # full-width digit
        "ABC",
        "",
        None,
        True,
        4.0,
    ],
)
def test_invalid_codes(raw):
    assert normalize_gtin(raw) is None
