from saleor_amazon_feeds.mapping.field_mapping_input import (
    check_field_mapping,
    check_mapped_attribute,
    check_sources,
)
from saleor_amazon_feeds.mapping.problems import InputProblem, ProblemCode


def saleor_has(*slugs: str):
    asked: list[set[str]] = []

    def existing(wanted: set[str]) -> set[str]:
        asked.append(wanted)
        return wanted & set(slugs)

    existing.asked = asked  # type: ignore[attr-defined]
    return existing


def test_sources_are_normalised_and_attributes_looked_up_once():
    existing = saleor_has("brand")
    sources, problems = check_sources(
        [" attribute:brand ", "product.name", "literal:Acme"], existing
    )
    assert problems == []
    assert sources == ("attribute:brand", "product.name", "literal:Acme")
    assert existing.asked == [{"brand"}]


def test_no_lookup_without_attribute_sources():
    existing = saleor_has()
    assert check_sources(["product.name"], existing) == (("product.name",), [])
    assert existing.asked == []


def test_the_first_unparsable_source_names_the_field():
    sources, problems = check_sources(
        ["product.name", "nonsense"], saleor_has(), "mappings[2].sources"
    )
    assert sources == ()
    [problem] = problems
    assert problem.field == "mappings[2].sources"
    assert problem.code is ProblemCode.UNKNOWN_SOURCE
    assert "nonsense" in problem.message


def test_every_unknown_attribute_is_named():
    _, problems = check_sources(
        ["attribute:zeta", "gtin:alpha", "attribute:brand"], saleor_has("brand")
    )
    assert problems == [
        InputProblem(
            "sources",
            ProblemCode.UNKNOWN_SOURCE,
            "No Saleor attribute with slug 'alpha', 'zeta'",
        )
    ]


def test_empty_and_duplicate_lists_are_refused():
    assert check_sources([], saleor_has())[1][0].code is ProblemCode.UNKNOWN_SOURCE
    _, problems = check_sources(["product.name", " product.name"], saleor_has())
    assert "twice" in problems[0].message


def test_mapped_attribute_is_trimmed_or_refused():
    assert check_mapped_attribute(" brand ") == ("brand", [])
    name, problems = check_mapped_attribute("purchasable_offer", "x.amazonAttribute")
    assert name == "purchasable_offer"
    assert [(p.field, p.code) for p in problems] == [
        ("x.amazonAttribute", ProblemCode.UNKNOWN_ATTRIBUTE)
    ]


def test_a_field_mapping_checks_sources_only_for_a_mappable_attribute():
    existing = saleor_has()
    attribute, sources, problems = check_field_mapping(
        "no_such_attribute", ["nonsense"], existing
    )
    assert [p.field for p in problems] == ["amazonAttribute"]
    assert sources == ()
    attribute, sources, problems = check_field_mapping(
        "brand", ["literal:Acme"], existing
    )
    assert (attribute, sources, problems) == ("brand", ("literal:Acme",), [])
