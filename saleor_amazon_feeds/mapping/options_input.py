"""What a client may store as a category's or product's Amazon options.

The reader (``options``) accepts whatever another client left in Saleor's
metadata and reports it; a writer must refuse bad input instead, with the same
rules plus what only a writer can check: the marketplace is a real Amazon one,
a choice or mapping is not given twice, mapped Saleor attributes exist, and
Amazon offers the chosen product type. The last two need Saleor's database
and Amazon: the caller passes them in.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..amazon.identifiers import normalize_product_type, product_type_problem
from ..amazon.marketplaces import UnknownMarketplaceError, get_marketplace
from .field_mapping_input import (
    ExistingAttributes,
    check_mapped_attribute,
    check_sources,
)
from .options import ANY_MARKETPLACE, AmazonOptions, marketplace_key_problem
from .problems import InputProblem, ProblemCode

# Product type choices (marketplace key -> product type) -> marketplace key ->
# why Amazon would refuse it.
ProductTypeCheck = Callable[[Mapping[str, str]], Mapping[str, str]]


@dataclass(frozen=True)
class OptionsUpdate:
    """The options a client sends; a part left as None keeps the stored one."""

    # (marketplace ID or "*", product type), in input order
    product_types: Sequence[tuple[str, str]] | None = None
    # (Amazon attribute, source expressions), in input order
    mappings: Sequence[tuple[str, Sequence[str]]] | None = None
    exclude: bool | None = None


@dataclass
class CheckedProductTypes:
    product_type: dict[str, str] = field(default_factory=dict)
    # marketplace key -> the input field that chose it, for later checks
    fields: dict[str, str] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)


def check_product_type_choices(
    choices: Sequence[tuple[str, str]],
) -> CheckedProductTypes:
    checked = CheckedProductTypes()
    for index, (market, name) in enumerate(choices):
        where = f"productTypes[{index}]"
        market = market.strip()
        name = normalize_product_type(name)
        problem = _marketplace_problem(market)
        if problem:
            checked.problems.append(
                InputProblem(
                    f"{where}.marketplaceId", ProblemCode.UNKNOWN_MARKETPLACE, problem
                )
            )
            continue
        problem = product_type_problem(name)
        if problem:
            checked.problems.append(
                InputProblem(f"{where}.productType", ProblemCode.INVALID, problem)
            )
            continue
        if market in checked.product_type:
            checked.problems.append(
                InputProblem(
                    f"{where}.marketplaceId",
                    ProblemCode.UNIQUE,
                    "This marketplace has a product type already in this list.",
                )
            )
            continue
        checked.product_type[market] = name
        checked.fields[market] = f"{where}.productType"
    return checked


def _marketplace_problem(key: str) -> str | None:
    problem = marketplace_key_problem(key)
    if problem is None and key != ANY_MARKETPLACE:
        try:
            get_marketplace(key)
        except UnknownMarketplaceError:
            problem = "Not an Amazon marketplace ID (or '*')."
    return problem


def check_attribute_mappings(
    mappings: Sequence[tuple[str, Sequence[str]]],
    existing_attributes: ExistingAttributes,
) -> tuple[dict[str, tuple[str, ...]], list[InputProblem]]:
    result: dict[str, tuple[str, ...]] = {}
    problems: list[InputProblem] = []
    for index, (attribute, expressions) in enumerate(mappings):
        where = f"mappings[{index}]"
        attribute, attribute_problems = check_mapped_attribute(
            attribute, f"{where}.amazonAttribute"
        )
        if attribute_problems:
            problems += attribute_problems
            continue
        if attribute in result:
            problems.append(
                InputProblem(
                    f"{where}.amazonAttribute",
                    ProblemCode.UNIQUE,
                    f"'{attribute}' is mapped twice.",
                )
            )
            continue
        sources, source_problems = check_sources(
            expressions, existing_attributes, f"{where}.sources"
        )
        if source_problems:
            problems += source_problems
            continue
        result[attribute] = sources
    return result, problems


def check_options_update(
    current: AmazonOptions,
    update: OptionsUpdate,
    existing_attributes: ExistingAttributes,
    product_type_check: ProductTypeCheck,
) -> tuple[AmazonOptions | None, list[InputProblem]]:
    """The options to store, or every problem with the update (then None)."""
    problems: list[InputProblem] = []
    product_type = dict(current.product_type)
    if update.product_types is not None:
        choices = check_product_type_choices(update.product_types)
        if choices.problems:
            # Amazon is asked only about a list that is well-formed as a whole.
            return None, choices.problems
        product_type = choices.product_type
        problems += [
            InputProblem(
                choices.fields[market], ProblemCode.UNKNOWN_PRODUCT_TYPE, message
            )
            for market, message in product_type_check(product_type).items()
        ]
    mappings = dict(current.mappings)
    if update.mappings is not None:
        mappings, mapping_problems = check_attribute_mappings(
            update.mappings, existing_attributes
        )
        problems += mapping_problems
    if problems:
        return None, problems
    exclude = current.exclude if update.exclude is None else update.exclude
    return (
        AmazonOptions(product_type=product_type, mappings=mappings, exclude=exclude),
        [],
    )
