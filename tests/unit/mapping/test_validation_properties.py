"""One validator per value: what a writer accepts, the reader reads back.

The GraphQL writers and the metadata reader use the same functions
(``amazon.identifiers``, ``mapping.sources``, ``mapping.amazon_attributes``);
these properties hold them to it, and to never raising on what another
client may have written into Saleor's metadata.
"""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_amazon_feeds.amazon.identifiers import (
    attribute_name_problem,
    credential_problem,
    label_problem,
    marketplace_id_problem,
    normalize_product_type,
    product_type_problem,
    seller_id_problem,
)
from saleor_amazon_feeds.mapping.amazon_attributes import attribute_problem
from saleor_amazon_feeds.mapping.options import (
    AmazonOptions,
    parse_options,
    serialize_options,
)
from saleor_amazon_feeds.mapping.sources import SourceError, parse_source

EXAMPLES = settings(max_examples=300, deadline=None, database=None, derandomize=True)
NAMES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["shirt", "SHIRT", " Shirt ", "シャツ", "ÄÖÜ", "straße", "t_shirt"]
    ),
    st.from_regex(r"[A-Za-z0-9_]{1,8}\n?", fullmatch=True),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def _writer_product_type(value: str) -> str | None:
    """What the options mutations store for ``value``, or None if refused."""
    name = normalize_product_type(value)
    return None if product_type_problem(name) else name


@EXAMPLES
@given(value=NAMES)
def test_product_type_writer_and_reader_agree(value):
    stored = _writer_product_type(value)
    options, issues = parse_options(json.dumps({"productType": {"*": value}}))
    if stored is None:
        assert options.product_type == {}
        assert [i.field for i in issues] == ["productType.*"]
    else:
        assert options.product_type == {"*": stored}
        assert issues == []


@EXAMPLES
@given(value=st.text(max_size=30))
def test_every_stored_product_type_reads_back_unchanged(value):
    stored = _writer_product_type(value)
    if stored is not None:
        options = AmazonOptions(product_type={"*": stored})
        assert parse_options(serialize_options(options)["amazon_feeds.options"]) == (
            options,
            [],
        )


def test_names_the_reader_refused_are_refused_by_the_writer_too():
    for value in ("シャツ", "ÄÖÜ", "straße", "SH\nIRT", "t shirt", ""):
        assert _writer_product_type(value) is None, value
    assert _writer_product_type(" shirt ") == "SHIRT"


@EXAMPLES
@given(raw=st.one_of(st.text(max_size=50), JSON.map(json.dumps)))
def test_reading_metadata_never_raises_and_names_each_problem(raw):
    options, issues = parse_options(raw)
    assert isinstance(options, AmazonOptions)
    for issue in issues:
        assert issue.field
        assert issue.message
    # What was kept is itself valid: writing it back reads back the same.
    again, again_issues = parse_options(
        serialize_options(options)["amazon_feeds.options"]
    )
    assert again == options
    assert again_issues == []


@EXAMPLES
@given(attribute=NAMES, sources=st.lists(st.text(max_size=20), max_size=3))
def test_mapping_writer_and_reader_agree(attribute, sources):
    try:
        parsed = [parse_source(s).expression for s in sources]
        writer_ok = attribute_problem(attribute) is None and bool(parsed)
        writer_ok = writer_ok and len(set(parsed)) == len(parsed)
    except SourceError:
        writer_ok = False
    options, _ = parse_options(json.dumps({"mappings": {attribute: sources}}))
    if writer_ok:
        assert dict(options.mappings) == {attribute: tuple(parsed)}
    else:
        # The reader may keep the valid part of a list; it never keeps what
        # the writer would refuse outright.
        kept = options.mappings.get(attribute, ())
        assert attribute_problem(attribute) is None or not kept
        for expression in kept:
            assert parse_source(expression).expression == expression


@EXAMPLES
@given(value=st.text(max_size=40))
def test_credentials_are_printable_ascii_without_spaces(value):
    problem = credential_problem(value, "refresh token")
    ok = bool(value) and all("!" <= c <= "~" for c in value)
    assert (problem is None) is ok
    if problem:
        assert value not in problem or not value.strip()


def test_trailing_newlines_and_control_characters_are_refused():
    for value in (
        "Atzr|abc\n",
        "Atzr|abc\r\n",
        "Atzr|\tabc",
        "Atzr|abc\x00",
        "Atzr| x",
    ):
        assert credential_problem(value, "refresh token"), repr(value)
    assert seller_id_problem("A3SANDBOXSELLR\n")
    assert marketplace_id_problem("ATVPDKIKX0DER\n")
    assert attribute_name_problem("brand\n")
    assert product_type_problem("SHIRT\n")
    assert label_problem("Shop\x07", "account name", 250)
    assert label_problem("Händler ✓ シャツ", "account name", 250) is None


def test_a_secret_is_never_in_its_error():
    secret = "amzn1.oa2-cs.v1.f00dfeed"
    for value in (secret + "\n", secret + " ", secret * 200):
        assert secret not in credential_problem(value, "LWA client secret")
