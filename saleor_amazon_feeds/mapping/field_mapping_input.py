"""What a client may store as a mapping: an Amazon attribute and its sources.

The writer's rules, on top of the reader's (``amazon_attributes``,
``sources``): the list must parse as a whole, and every Saleor attribute it
names must exist. Whether one exists is the caller's question to Saleor's
database, passed in as ``existing_attributes``.
"""

from collections.abc import Callable, Sequence

from .amazon_attributes import attribute_problem
from .problems import InputProblem, ProblemCode
from .sources import ATTRIBUTE_KINDS, SourceError, parse_sources

# Attribute slugs -> the ones Saleor has.
ExistingAttributes = Callable[[set[str]], set[str]]


def check_mapped_attribute(
    name: str, field: str = "amazonAttribute"
) -> tuple[str, list[InputProblem]]:
    """The Amazon attribute as stored (trimmed), or why it cannot be mapped."""
    name = name.strip()
    problem = attribute_problem(name)
    if problem:
        return name, [InputProblem(field, ProblemCode.UNKNOWN_ATTRIBUTE, problem)]
    return name, []


def check_sources(
    expressions: Sequence[str],
    existing_attributes: ExistingAttributes,
    field: str = "sources",
) -> tuple[tuple[str, ...], list[InputProblem]]:
    """The normalised source expressions, or the problem that makes the list
    unusable (the first unparsable source, else every unknown attribute)."""
    try:
        parsed = parse_sources(list(expressions))
    except SourceError as exc:
        return (), [InputProblem(field, ProblemCode.UNKNOWN_SOURCE, str(exc))]
    slugs = {s.key for s in parsed if s.kind in ATTRIBUTE_KINDS}
    missing = sorted(slugs - existing_attributes(slugs)) if slugs else []
    if missing:
        named = ", ".join(f"'{slug}'" for slug in missing)
        message = f"No Saleor attribute with slug {named}"
        return (), [InputProblem(field, ProblemCode.UNKNOWN_SOURCE, message)]
    return tuple(s.expression for s in parsed), []


def check_field_mapping(
    attribute: str,
    expressions: Sequence[str],
    existing_attributes: ExistingAttributes,
) -> tuple[str, tuple[str, ...], list[InputProblem]]:
    """A marketplace field mapping: the attribute first, its sources only once
    the attribute can be mapped."""
    attribute, problems = check_mapped_attribute(attribute)
    if problems:
        return attribute, (), problems
    sources, problems = check_sources(expressions, existing_attributes)
    return attribute, sources, problems
