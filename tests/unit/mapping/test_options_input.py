from saleor_amazon_feeds.mapping.options import AmazonOptions
from saleor_amazon_feeds.mapping.options_input import (
    OptionsUpdate,
    check_attribute_mappings,
    check_options_update,
    check_product_type_choices,
)
from saleor_amazon_feeds.mapping.problems import InputProblem, ProblemCode

DE = "A1PA6795UKMFR9"
US = "ATVPDKIKX0DER"
CURRENT = AmazonOptions(
    product_type={"*": "SHIRT"},
    mappings={"brand": ("literal:Old",)},
    exclude=True,
)


def no_attributes(slugs: set[str]) -> set[str]:
    return set()


def amazon_offers_all(choices):
    return {}


def amazon_asked_nothing(choices):
    raise AssertionError(f"Amazon asked about {choices}")


def fields(problems: list[InputProblem]) -> list[tuple[str, ProblemCode]]:
    return [(p.field, p.code) for p in problems]


def test_product_type_choices_are_normalised_and_remember_their_field():
    checked = check_product_type_choices([(f" {DE} ", "t_shirt"), ("*", "shirt")])
    assert checked.problems == []
    assert checked.product_type == {DE: "T_SHIRT", "*": "SHIRT"}
    assert checked.fields == {
        DE: "productTypes[0].productType",
        "*": "productTypes[1].productType",
    }


def test_product_type_choice_problems_name_their_field():
    checked = check_product_type_choices(
        [
            ("A1NOTAMARKETPLACE", "SHIRT"),
            ("not an id", "SHIRT"),
            (DE, "no spaces allowed"),
            (US, "SHIRT"),
            (US, "HAT"),
        ]
    )
    assert fields(checked.problems) == [
        ("productTypes[0].marketplaceId", ProblemCode.UNKNOWN_MARKETPLACE),
        ("productTypes[1].marketplaceId", ProblemCode.UNKNOWN_MARKETPLACE),
        ("productTypes[2].productType", ProblemCode.INVALID),
        ("productTypes[4].marketplaceId", ProblemCode.UNIQUE),
    ]
    assert checked.product_type == {US: "SHIRT"}


def test_attribute_mappings_report_every_entry():
    mappings, problems = check_attribute_mappings(
        [
            ("brand", ["literal:Acme"]),
            ("purchasable_offer", ["literal:x"]),
            (" brand", ["product.name"]),
            ("item_name", ["attribute:missing"]),
            ("item_name", ["product.name"]),
        ],
        no_attributes,
    )
    assert fields(problems) == [
        ("mappings[1].amazonAttribute", ProblemCode.UNKNOWN_ATTRIBUTE),
        ("mappings[2].amazonAttribute", ProblemCode.UNIQUE),
        ("mappings[3].sources", ProblemCode.UNKNOWN_SOURCE),
    ]
    # A mapping refused for its sources does not block a later one.
    assert mappings == {"brand": ("literal:Acme",), "item_name": ("product.name",)}


def test_parts_left_out_keep_the_stored_options():
    options, problems = check_options_update(
        CURRENT, OptionsUpdate(), no_attributes, amazon_asked_nothing
    )
    assert (options, problems) == (CURRENT, [])


def test_parts_given_replace_the_stored_ones():
    update = OptionsUpdate(product_types=[(DE, "hat")], mappings=[], exclude=False)
    options, problems = check_options_update(
        CURRENT, update, no_attributes, amazon_offers_all
    )
    assert problems == []
    assert options == AmazonOptions(product_type={DE: "HAT"}, mappings={})


def test_amazon_is_not_asked_about_a_malformed_list():
    update = OptionsUpdate(
        product_types=[(DE, "HAT"), ("nowhere", "HAT")],
        mappings=[("purchasable_offer", ["literal:x"])],
    )
    options, problems = check_options_update(
        CURRENT, update, no_attributes, amazon_asked_nothing
    )
    assert options is None
    # Mappings wait for a product type list that can be checked with Amazon.
    assert fields(problems) == [
        ("productTypes[1].marketplaceId", ProblemCode.UNKNOWN_MARKETPLACE)
    ]


def test_amazon_refusals_name_the_choice_and_come_with_mapping_problems():
    def amazon(choices):
        assert choices == {DE: "HAT", "*": "SHIRT"}
        return {"*": "Amazon offers no product type SHIRT in marketplace X."}

    update = OptionsUpdate(
        product_types=[(DE, "HAT"), ("*", "SHIRT")],
        mappings=[("purchasable_offer", ["literal:x"])],
    )
    options, problems = check_options_update(CURRENT, update, no_attributes, amazon)
    assert options is None
    assert problems == [
        InputProblem(
            "productTypes[1].productType",
            ProblemCode.UNKNOWN_PRODUCT_TYPE,
            "Amazon offers no product type SHIRT in marketplace X.",
        ),
        InputProblem(
            "mappings[0].amazonAttribute",
            ProblemCode.UNKNOWN_ATTRIBUTE,
            problems[1].message,
        ),
    ]
