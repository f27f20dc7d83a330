"""Product type schemas compiled into plain Python predicates: is this valid?

jsonschema interprets a schema node by node, building an error object per
keyword it descends into; a valid 60-attribute listing costs it some 200 µs per
distinct value, most of a feed build's time. Almost every value a build meets
is valid, and for those only a yes is needed. ``compile_predicate`` turns the
subset of JSON Schema 2019-09 that Amazon's product type schemas use (plus
Amazon's ``maxUniqueItems``/``minUniqueItems``/``maxUtf8ByteLength``
vocabulary) into closures answering exactly what ``jsonschema`` answers about
validity. A no sends the value through jsonschema, which words the issues,
so every message a merchant reads still comes from one place.

Exactness is the rule: a predicate is built only when every keyword it can
reach is one mirrored here (else ``compile_predicate`` returns None and the
caller keeps jsonschema), and at run time a value of a kind the mirror does
not treat the way the jsonschema path does (floats, tuples, mappings that are
not dicts, subclasses of str: that path converts or treats them apart) raises
:class:`Unsure`, which the caller answers with jsonschema too. The property
tests compare both on generated and mutated values.
"""

import re
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from jsonschema import FormatChecker

Predicate = Callable[[Any], bool]
# (the array's schema node, one item) -> the item's selector key.
SelectorKey = Callable[[Mapping, Any], Any]
# The array's schema node -> its selectors, each with its default.
SelectorDefaults = Callable[[Mapping], tuple[tuple[str, Any], ...]]

# Keywords that only annotate: they never make a value invalid.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "editable",
        "hidden",
        "enumNames",
        "selectors",
        "default",
        "$comment",
        "$schema",
        "$id",
        "$defs",
        "definitions",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$anchor",
    }
)


class Unsure(Exception):
    """The value holds something the predicate does not mirror exactly: ask
    jsonschema."""


class _Unsupported(Exception):
    """The schema uses a keyword (or form) the predicates do not mirror."""


def compile_predicate(
    node: Any,
    root: Mapping,
    *,
    selector_key: SelectorKey,
    selector_defaults: SelectorDefaults,
    format_checker: FormatChecker,
) -> Predicate | None:
    """A predicate equal to jsonschema's ``is_valid`` for ``node`` (refs
    resolved in ``root``), or None when the schema reaches a keyword the
    predicates do not mirror. ``root`` and ``node`` must already hold Decimals
    where the schema had floats (as ``ProductTypeSchema`` keeps them)."""
    try:
        return _Compiler(root, selector_key, selector_defaults, format_checker).node(
            node
        )
    except _Unsupported:
        return None


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


# The JSON type of each Python type the mirror treats as the jsonschema
# path does ("decimal" stands for a number that is not an int).
_KINDS: dict[type, str] = {
    str: "string",
    dict: "object",
    list: "array",
    bool: "boolean",
    int: "integer",
    Decimal: "decimal",
    type(None): "null",
}
# JSON type -> the Python type all of whose values are of it.
_EXACT_TYPES: dict[str, type] = {
    name: kind for kind, name in _KINDS.items() if name != "decimal"
}


def _kind(value: Any) -> str:
    """The JSON type of a value as the jsonschema path sees it; Unsure for
    whatever that path converts first (floats, tuples, other mappings)."""
    kind = _KINDS.get(type(value))
    if kind is None:
        raise Unsure
    return kind


def _is_type(value: Any, name: str) -> bool:
    kind = _kind(value)
    if name == "number":
        return kind == "integer" or kind == "decimal"
    if name == "integer" and kind == "decimal":
        return value.is_finite() and value == value.to_integral_value()
    return kind == name


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's ``_utils.equal`` on the kinds ``_kind`` admits: bools
    are not numbers, lists and dicts compare item by item."""
    kind_one, kind_two = _kind(one), _kind(two)
    if one is two:
        return True
    if kind_one == "string" or kind_two == "string":
        return one == two
    if kind_one == "array" and kind_two == "array":
        return len(one) == len(two) and all(map(_equal, one, two))
    if kind_one == "object" and kind_two == "object":
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    if (kind_one == "boolean") != (kind_two == "boolean"):
        return False
    return one == two


def _conjunction(checks: list[Predicate]) -> Predicate:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    tupled = tuple(checks)

    # Plain loops, not all(): a generator per call costs more than the
    # checks themselves on the hot path.
    def every(value: Any) -> bool:
        for check in tupled:  # noqa: SIM110
            if not check(value):
                return False
        return True

    return every


def _number(value: Any) -> bool:
    kind = _kind(value)
    return kind == "integer" or kind == "decimal"


class _Compiler:
    def __init__(
        self,
        root: Mapping,
        selector_key: SelectorKey,
        selector_defaults: SelectorDefaults,
        format_checker: FormatChecker,
    ) -> None:
        self.root = root
        self.selector_key = selector_key
        self.selector_defaults = selector_defaults
        self.formats = format_checker
        # id(node) -> its predicate, or a forwarding cell while it compiles
        # (a $ref cycle meets the cell, which resolves once the node is done).
        self.done: dict[int, Predicate] = {}
        self.cells: dict[int, list[Predicate | None]] = {}

    def node(self, node: Any) -> Predicate:
        if node is True:
            return _always
        if node is False:
            return _never
        if not isinstance(node, Mapping):
            raise _Unsupported
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.cells:
            cell = self.cells[key]

            def forward(value: Any) -> bool:
                return cell[0](value)  # type: ignore[misc]

            return forward
        cell = self.cells[key] = [None]
        predicate = _conjunction(self._checks(node))
        cell[0] = predicate
        self.done[key] = predicate
        del self.cells[key]
        return predicate

    def _ref(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise _Unsupported
        target: Any = self.root
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                raise _Unsupported
            target = target[part]
        return target

    def _checks(self, node: Mapping) -> list[Predicate]:
        checks: list[Predicate] = []
        if "$id" in node and node is not self.root:
            # A nested $id moves the base $refs resolve against.
            raise _Unsupported
        for keyword, argument in node.items():
            if keyword in _ANNOTATIONS:
                continue
            build = getattr(self, "_k_" + keyword.replace("$", ""), None)
            if build is None:
                raise _Unsupported
            check = build(argument, node)
            if check is not None:
                checks.append(check)
        return checks

    # -- keywords, each as jsonschema's Draft 2019-09 applies it ------------

    def _k_ref(self, ref: Any, node: Mapping) -> Predicate:
        return self.node(self._ref(ref))

    def _k_type(self, names: Any, node: Mapping) -> Predicate:
        wanted = [names] if isinstance(names, str) else names
        if not isinstance(wanted, list) or not all(isinstance(n, str) for n in wanted):
            raise _Unsupported
        if len(wanted) == 1:
            name = wanted[0]
            exact = _EXACT_TYPES.get(name)
            if exact is not None:
                # The common case first, without a call; the rest as before.
                return lambda value: type(value) is exact or _is_type(value, name)
            return lambda value: _is_type(value, name)
        return lambda value: any(_is_type(value, n) for n in wanted)

    def _k_enum(self, members: Any, node: Mapping) -> Predicate:
        if not isinstance(members, list):
            raise _Unsupported
        texts = frozenset(m for m in members if type(m) is str)
        others = [m for m in members if type(m) is not str]
        if any(isinstance(m, str) for m in others):
            raise _Unsupported

        def enum(value: Any) -> bool:
            if type(value) is str:
                return value in texts
            return any(_equal(m, value) for m in members)

        return enum

    def _k_const(self, constant: Any, node: Mapping) -> Predicate:
        return lambda value: _equal(constant, value)

    def _k_properties(self, properties: Any, node: Mapping) -> Predicate:
        if not isinstance(properties, Mapping):
            raise _Unsupported
        compiled = {name: self.node(sub) for name, sub in properties.items()}

        def props(value: Any) -> bool:
            if type(value) is not dict:
                _kind(value)  # Unsure where the jsonschema path converts
                return True
            for name, item in value.items():
                check = compiled.get(name)
                if check is not None and not check(item):
                    return False
            return True

        return props

    def _k_additionalProperties(self, extra: Any, node: Mapping) -> Predicate | None:
        if "patternProperties" in node:
            raise _Unsupported
        known = frozenset(node.get("properties") or ())
        if extra is True:
            return None
        check = self.node(extra)

        def additional(value: Any) -> bool:
            if _kind(value) != "object":
                return True
            return all(check(v) for k, v in value.items() if k not in known)

        return additional

    def _k_required(self, names: Any, node: Mapping) -> Predicate:
        if not isinstance(names, list):
            raise _Unsupported
        wanted = tuple(names)

        def required(value: Any) -> bool:
            if _kind(value) != "object":
                return True
            return all(n in value for n in wanted)

        return required

    def _k_dependentRequired(self, dependencies: Any, node: Mapping) -> Predicate:
        if not isinstance(dependencies, Mapping):
            raise _Unsupported
        pairs = tuple((k, tuple(v)) for k, v in dependencies.items())

        def dependent(value: Any) -> bool:
            if _kind(value) != "object":
                return True
            return all(
                all(n in value for n in needed) for key, needed in pairs if key in value
            )

        return dependent

    def _k_items(self, items: Any, node: Mapping) -> Predicate:
        if isinstance(items, list) or "additionalItems" in node:
            raise _Unsupported
        check = self.node(items)

        def each(value: Any) -> bool:
            if type(value) is not list:
                _kind(value)  # Unsure where the jsonschema path converts
                return True
            for item in value:  # noqa: SIM110 (hot path, as in node())
                if not check(item):
                    return False
            return True

        return each

    def _k_contains(self, contains: Any, node: Mapping) -> Predicate:
        if "minContains" in node or "maxContains" in node:
            raise _Unsupported
        check = self.node(contains)

        def some(value: Any) -> bool:
            if _kind(value) != "array":
                return True
            return any(check(item) for item in value)

        return some

    def _sized(self, kind: str, limit: Any, longest: bool, size=len) -> Predicate:
        if type(limit) is not int:
            raise _Unsupported
        exact = _EXACT_TYPES[kind]

        def sized(value: Any) -> bool:
            if type(value) is not exact and _kind(value) != kind:
                return True
            return size(value) <= limit if longest else size(value) >= limit

        return sized

    def _k_minItems(self, limit: Any, node: Mapping) -> Predicate:
        return self._sized("array", limit, False)

    def _k_maxItems(self, limit: Any, node: Mapping) -> Predicate:
        return self._sized("array", limit, True)

    def _k_minLength(self, limit: Any, node: Mapping) -> Predicate:
        return self._sized("string", limit, False)

    def _k_maxLength(self, limit: Any, node: Mapping) -> Predicate:
        return self._sized("string", limit, True)

    def _k_maxUtf8ByteLength(self, limit: Any, node: Mapping) -> Predicate:
        return self._sized("string", limit, True, utf8_len)

    def _k_minUtf8ByteLength(self, limit: Any, node: Mapping) -> Predicate:
        return self._sized("string", limit, False, utf8_len)

    def _unique_keys(self, node: Mapping) -> Callable[[list], list]:
        """The selector keys of an array's items, as the jsonschema path
        groups them. Where every selector value is text, the texts themselves
        group the items exactly as their JSON does (JSON text is one-to-one
        with text), without encoding anything; else the path's own keys."""
        exact = self.selector_key
        selectors = self.selector_defaults(node)

        def keys(items: list) -> list:
            if selectors:
                fast = []
                for item in items:
                    if type(item) is not dict:
                        break
                    key = []
                    for name, default in selectors:
                        value = item.get(name)
                        if value is None:
                            value = default
                        if type(value) is not str:
                            break
                        key.append(value)
                    else:
                        fast.append(tuple(key))
                        continue
                    break
                else:
                    # Text selectors read nothing the jsonschema path converts.
                    return fast
            _plain(items)
            return [exact(node, item) for item in items]

        return keys

    def _k_maxUniqueItems(self, limit: Any, node: Mapping) -> Predicate:
        if type(limit) is not int:
            raise _Unsupported
        keys = self._unique_keys(node)

        def most(value: Any) -> bool:
            if _kind(value) != "array":
                return True
            if len(value) <= limit:
                # No key can have more items than there are.
                return True
            counts = Counter(keys(value))
            return all(count <= limit for count in counts.values())

        return most

    def _k_minUniqueItems(self, limit: Any, node: Mapping) -> Predicate:
        if type(limit) is not int:
            raise _Unsupported
        keys = self._unique_keys(node)

        def least(value: Any) -> bool:
            if _kind(value) != "array" or not value or limit <= 1:
                # Items of any kind make at least one key.
                return True
            return len(set(keys(value))) >= limit

        return least

    def _bound(self, limit: Any, test: Callable[[Any, Any], bool]) -> Predicate:
        if not _number(limit):
            raise _Unsupported
        return lambda value: not _number(value) or test(value, limit)

    def _k_minimum(self, limit: Any, node: Mapping) -> Predicate:
        return self._bound(limit, lambda v, m: v >= m)

    def _k_maximum(self, limit: Any, node: Mapping) -> Predicate:
        return self._bound(limit, lambda v, m: v <= m)

    def _k_exclusiveMinimum(self, limit: Any, node: Mapping) -> Predicate:
        return self._bound(limit, lambda v, m: v > m)

    def _k_exclusiveMaximum(self, limit: Any, node: Mapping) -> Predicate:
        return self._bound(limit, lambda v, m: v < m)

    def _k_multipleOf(self, divisor: Any, node: Mapping) -> Predicate:
        if not _number(divisor):
            raise _Unsupported

        def multiple(value: Any) -> bool:
            if not _number(value):
                return True
            try:
                return not value % divisor
            except ArithmeticError as exc:
                # jsonschema meets the same error: let it raise it.
                raise Unsure from exc

        return multiple

    def _k_pattern(self, pattern: Any, node: Mapping) -> Predicate:
        if not isinstance(pattern, str):
            raise _Unsupported
        search = re.compile(pattern).search
        return lambda value: _kind(value) != "string" or search(value) is not None

    def _k_format(self, name: Any, node: Mapping) -> Predicate:
        conforms = self.formats.conforms

        def formatted(value: Any) -> bool:
            _kind(value)
            return conforms(value, name)

        return formatted

    def _k_allOf(self, schemas: Any, node: Mapping) -> Predicate:
        return _conjunction(list(self._each(schemas)))

    def _k_anyOf(self, schemas: Any, node: Mapping) -> Predicate:
        checks = self._each(schemas)

        def some(value: Any) -> bool:
            for check in checks:  # noqa: SIM110 (hot path, as in _conjunction)
                if check(value):
                    return True
            return False

        return some

    def _k_oneOf(self, schemas: Any, node: Mapping) -> Predicate:
        checks = self._each(schemas)
        return lambda value: sum(1 for check in checks if check(value)) == 1

    def _k_not(self, schema: Any, node: Mapping) -> Predicate:
        check = self.node(schema)
        return lambda value: not check(value)

    def _k_if(self, schema: Any, node: Mapping) -> Predicate:
        condition = self.node(schema)
        then = self.node(node["then"]) if "then" in node else _always
        otherwise = self.node(node["else"]) if "else" in node else _always
        return lambda value: then(value) if condition(value) else otherwise(value)

    def _k_then(self, schema: Any, node: Mapping) -> None:
        # Applied by "if"; without one jsonschema ignores it.
        return None

    _k_else = _k_then

    def _each(self, schemas: Any) -> tuple[Predicate, ...]:
        if not isinstance(schemas, list) or not schemas:
            raise _Unsupported
        return tuple(self.node(s) for s in schemas)


def utf8_len(value: str) -> int:
    """Length in UTF-8 bytes, as Amazon's ``maxUtf8ByteLength`` counts it."""
    return len(value.encode("utf-8", "surrogatepass"))


def _plain(value: Any) -> None:
    """Unsure unless the whole value is of kinds ``_kind`` admits: selector
    keys are computed from the items as they are, which the jsonschema path
    converts first."""
    kind = _kind(value)
    if kind == "object":
        for item in value.values():
            _plain(item)
    elif kind == "array":
        for item in value:
            _plain(item)
