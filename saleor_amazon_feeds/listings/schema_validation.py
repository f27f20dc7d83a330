"""Validate listing attributes against an Amazon product type definition schema.

Product type schemas are JSON Schema 2019-09 plus Amazon's meta-schema
vocabulary. Of that vocabulary only ``maxUniqueItems``/``minUniqueItems`` (with
``selectors``) and ``maxUtf8ByteLength``/``minUtf8ByteLength`` constrain data;
``editable`` and ``hidden`` are presentation hints and are ignored here.

Numbers are compared as Decimals: with floats, ``19.99`` fails
``multipleOf: 0.01`` and a valid price would be reported as wrong.
"""

import base64
import hashlib
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker, ValidationError, validators

from .bounded import bounded_put
from .schema_predicates import Predicate, Unsure, compile_predicate
from .schema_predicates import utf8_len as _utf8_len

_REQUIRED = frozenset({"required", "dependentRequired"})


class IssueCode(StrEnum):
    MISSING_REQUIRED = "MISSING_REQUIRED"
    INVALID_VALUE = "INVALID_VALUE"
    INVALID_TYPE = "INVALID_TYPE"
    TOO_LONG = "TOO_LONG"
    TOO_SHORT = "TOO_SHORT"
    TOO_MANY_VALUES = "TOO_MANY_VALUES"
    TOO_FEW_VALUES = "TOO_FEW_VALUES"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    attribute: str  # top-level attribute, "" when the issue is about the whole item
    path: str  # JSON pointer into the attributes, e.g. "/item_name/0/value"
    code: IssueCode
    message: str


# Format checks matter for validity, not just annotation: Amazon uses
# oneOf[date, date-time], which every string would match twice without them.
_FORMATS = FormatChecker(["date", "email", "regex", "uuid", "ipv4", "ipv6"])
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    date.fromisoformat(value[:10])
    hour, minute, second = (int(p) for p in (value[11:13], value[14:16], value[17:19]))
    return hour < 24 and minute < 60 and second < 61


def _is_integer(checker, instance) -> bool:
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return Draft201909Validator.TYPE_CHECKER.is_type(instance, "integer")


_TYPES = Draft201909Validator.TYPE_CHECKER.redefine("integer", _is_integer)


def _max_utf8(validator, limit, instance, schema):
    if isinstance(instance, str) and _utf8_len(instance) > limit:
        yield ValidationError(f"is {_utf8_len(instance)} bytes, at most {limit}")


def _min_utf8(validator, limit, instance, schema):
    if isinstance(instance, str) and _utf8_len(instance) < limit:
        yield ValidationError(f"is {_utf8_len(instance)} bytes, at least {limit}")


class ProductTypeSchema:
    """One product type definition schema, ready to validate attributes."""

    def __init__(self, schema: Mapping[str, Any], *, checksum: str | None = None):
        if not isinstance(schema, Mapping) or not isinstance(
            schema.get("properties"), Mapping
        ):
            raise ValueError("Not a product type schema: no 'properties'.")
        self.schema: dict[str, Any] = _decimals(schema)
        self.checksum = checksum
        self._cls = self._validator_class()
        self._validator = self._cls(self.schema, format_checker=_FORMATS)
        self._plan = _compile(self)

    @property
    def attribute_names(self) -> frozenset[str]:
        return frozenset(self.schema["properties"])

    @property
    def required(self) -> tuple[str, ...]:
        """Attributes required unconditionally (``allOf`` conditions add more)."""
        return tuple(self.schema.get("required", ()))

    def title(self, attribute: str) -> str:
        prop = self.schema["properties"].get(attribute)
        if isinstance(prop, Mapping) and isinstance(prop.get("title"), str):
            return prop["title"]
        return attribute

    def enum_values(self, attribute: str, field: str = "value") -> list[Any]:
        """Allowed values of an attribute's field, e.g. variation theme names."""
        items = self.schema["properties"].get(attribute, {}).get("items", {})
        prop = self._resolve(items.get("properties", {}).get(field, {}))
        return list(prop.get("enum", ()))

    def validate(
        self,
        attributes: Mapping[str, Any],
        *,
        enforce_requirements: bool = True,
        only: Iterable[str] | None = None,
        keys: Mapping[str, tuple[Any, Hashable]] | None = None,
        part: "ValidatedPart | None" = None,
    ) -> list[ValidationIssue]:
        """Return every issue, in a stable order (by path, then code).

        ``enforce_requirements=False`` is Amazon's NOT_ENFORCED mode: required and
        conditionally required attributes are not demanded, the values given are
        still checked. ``only`` validates just those attributes (for a PATCH).

        ``keys`` may name, per attribute, ``(value, token)``: a token that
        stands for that value object, which its owner never mutates, and that
        is never paired with any other value (``attributes.shape_attributes``'
        memo entries). The outcome cached for the value is then found by the
        token, without reading the value; a token is used only while the
        attribute holds that very object.

        ``part`` (from ``part()``) holds attributes validated beforehand:
        an attribute holding the very value object the part validated takes
        its outcome from there, without any lookup of its own.
        """
        if only is not None:
            keep = set(only)
            attributes = {k: v for k, v in attributes.items() if k in keep}
            enforce_requirements = False
        if self._plan is None:
            return self.validate_whole(
                attributes, enforce_requirements=enforce_requirements
            )
        return _sorted(self._plan.issues(attributes, enforce_requirements, keys, part))

    def part(
        self,
        attributes: Mapping[str, Any],
        keys: Mapping[str, tuple[Any, Hashable]] | None = None,
    ) -> "ValidatedPart | None":
        """Attributes that several messages will carry as the same value
        objects (a product's shared attributes, in each of its listings),
        validated once each, for ``validate(part=)``; None when the schema
        is validated in one pass. Its owner must not mutate those values."""
        if self._plan is None:
            return None
        return self._plan.part(attributes, keys)

    def validate_whole(
        self, attributes: Mapping[str, Any], *, enforce_requirements: bool = True
    ) -> list[ValidationIssue]:
        """``validate`` as one jsonschema pass over the whole document, without
        caches: the reference the per-attribute path must agree with, and the
        path for schemas that path cannot split."""
        found: list[tuple[ValidationIssue, bool]] = []
        for error in self._validator.iter_errors(_decimals(attributes)):
            found.extend(self._flagged(error))
        return _sorted(issue for issue, top in found if enforce_requirements or not top)

    def is_valid(self, attributes: Mapping[str, Any], **kwargs: Any) -> bool:
        return not self.validate(attributes, **kwargs)

    # -- internals ----------------------------------------------------------

    def _flagged(
        self, error: ValidationError, prefix: tuple[str, ...] = ()
    ) -> list[tuple[ValidationIssue, bool]]:
        """The error's issues, each flagged when it is a top-level requirement
        (which Amazon's NOT_ENFORCED mode does not demand)."""
        if prefix:
            error.path.extendleft(reversed(prefix))
        top = error.validator in _REQUIRED and not error.absolute_path
        return [(issue, top) for issue in self._issues(error)]

    def _validator_class(self):
        def max_unique(validator, limit, instance, schema):
            if not isinstance(instance, list):
                return
            groups = Counter(self._selector_key(schema, item) for item in instance)
            for key, count in groups.items():
                if count > limit:
                    yield ValidationError(
                        f"has {count} values{_describe(key)}, at most {limit}"
                    )

        def min_unique(validator, limit, instance, schema):
            if not isinstance(instance, list) or not instance:
                return
            groups = {self._selector_key(schema, item) for item in instance}
            if len(groups) < limit:
                yield ValidationError(
                    f"has {len(groups)} distinct values, at least {limit}"
                )

        return validators.extend(
            Draft201909Validator,
            {
                "maxUtf8ByteLength": _max_utf8,
                "minUtf8ByteLength": _min_utf8,
                "maxUniqueItems": max_unique,
                "minUniqueItems": min_unique,
            },
            type_checker=_TYPES,
        )

    def _selector_key(self, schema: Mapping, item: Any) -> tuple:
        # Amazon fills a missing selector (marketplace_id, language_tag) with
        # its schema default, so an item without it is the default one.
        selectors = self._selector_defaults(schema)
        if not isinstance(item, Mapping) or not selectors:
            return (("", json.dumps(item, sort_keys=True, default=str)),)
        key = []
        for name, default in selectors:
            value = item.get(name)
            if value is None:
                value = default
            key.append((name, json.dumps(value, sort_keys=True, default=str)))
        return tuple(key)

    def _selector_defaults(self, schema: Mapping) -> tuple[tuple[str, Any], ...]:
        """Each selector of an array attribute with the default Amazon fills
        in for an item without it."""
        props = schema.get("items", {}).get("properties", {})
        return tuple(
            (name, self._resolve(props.get(name, {})).get("default"))
            for name in schema.get("selectors") or ()
        )

    def _resolve(self, node: Any) -> Mapping:
        seen = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or seen > 20:
                return {}
            node = self.schema
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                node = node.get(part, {}) if isinstance(node, Mapping) else {}
            seen += 1
        return node if isinstance(node, Mapping) else {}

    def _issues(self, error: ValidationError) -> list[ValidationIssue]:
        path = list(error.absolute_path)
        kind = error.validator
        if kind in _REQUIRED:
            missing = (
                [p for p in error.validator_value if p not in error.instance]
                if kind == "required" and isinstance(error.instance, Mapping)
                else []
            ) or [_quoted(error.message)]
            return [self._missing(path, name) for name in missing]
        attribute = str(path[0]) if path else ""
        pointer = _pointer(path)
        label = self._label(attribute, error.schema, path)
        value = error.instance
        code, text = IssueCode.INVALID_VALUE, f"{label}: {error.message}."
        match kind:
            case "maxLength":
                code = IssueCode.TOO_LONG
                text = (
                    f"{label} is too long: {len(value)} characters, "
                    f"at most {error.validator_value} allowed."
                )
            case "maxUtf8ByteLength":
                code = IssueCode.TOO_LONG
                text = (
                    f"{label} is too long: {_utf8_len(value)} bytes in UTF-8, at most "
                    f"{error.validator_value} allowed (accented letters, symbols and "
                    "emoji take several bytes)."
                )
            case "minLength" | "minUtf8ByteLength":
                code = IssueCode.TOO_SHORT
                text = f"{label} is too short or empty."
            case "maxItems" | "maxUniqueItems":
                code = IssueCode.TOO_MANY_VALUES
                text = f"{label} {error.message} allowed."
            case "minItems" | "minUniqueItems":
                code = IssueCode.TOO_FEW_VALUES
                text = f"{label} needs at least {error.validator_value} value(s)."
            case "type":
                code = IssueCode.INVALID_TYPE
                text = f"{label} must be {_type_name(error.validator_value)}."
            case "enum":
                allowed = ", ".join(str(v) for v in list(error.validator_value)[:10])
                more = ", ..." if len(error.validator_value) > 10 else ""
                text = f"{label}: {value!r} is not allowed; use one of {allowed}{more}."
            case "const":
                text = f"{label} must be {error.validator_value!r}."
            case "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum":
                code = IssueCode.OUT_OF_RANGE
                bound = {"minimum": "at least", "maximum": "at most"}.get(
                    kind, "above" if kind == "exclusiveMinimum" else "below"
                )
                text = f"{label} must be {bound} {error.validator_value}, not {value}."
            case "multipleOf":
                text = f"{label} must be a multiple of {error.validator_value}."
            case "additionalProperties" | "unevaluatedProperties":
                code = IssueCode.UNKNOWN_FIELD
                text = f"{label}: {error.message}."
            case "anyOf" | "oneOf":
                text = f"{label}: {value!r} is not an accepted value."
            case "format":
                text = f"{label}: {value!r} is not a valid {error.validator_value}."
        return [ValidationIssue(attribute, pointer, code, text)]

    def _missing(self, path: list, name: str) -> ValidationIssue:
        if not path:
            return ValidationIssue(
                name,
                _pointer([name]),
                IssueCode.MISSING_REQUIRED,
                f"{self.title(name)} ({name}) is required.",
            )
        attribute = str(path[0])
        return ValidationIssue(
            attribute,
            _pointer([*path, name]),
            IssueCode.MISSING_REQUIRED,
            f"{self.title(attribute)}: '{name}' is missing (at {_pointer(path)}).",
        )

    def _label(self, attribute: str, schema: Mapping, path: list) -> str:
        base = self.title(attribute) if attribute else "Listing"
        field = schema.get("title") if isinstance(schema, Mapping) else None
        if len(path) > 2 and field and field != base:
            return f"{base} ({field})"
        return base


# A catalog has far fewer distinct attribute values than listings: the outcome
# of each value, and of each message shape, is computed once. Bounded, and
# small: every entry keeps its value's texts alive (a 10k-variant catalog's
# unique names and descriptions held some 90 MB at 100,000 entries), while a
# value met again after the cache was emptied costs one compiled predicate's
# check, microseconds.
_CACHE_MAX_ENTRIES = 10_000
_MISSING = object()
_TOKEN = object()
# Keywords of a schema applied to the whole attributes object that read only
# which attributes are present, never their values.
_NAMES_ONLY = frozenset(
    {
        "required",
        "dependentRequired",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "type",
        "title",
        "description",
        "$comment",
        "$schema",
        "$id",
        "$anchor",
        "$defs",
        "definitions",
        "$vocabulary",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_IN_PLACE = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("if", "then", "else", "not")


class _Group:
    """Root rules that read the same attributes' values, cached together by
    the message's attribute names and those values."""

    def __init__(
        self,
        validator: Any,
        reads: tuple[str, ...] | None,
        mentions: tuple[str, ...] | None,
        orders: list[tuple[int, int]],
        fast: Predicate | None,
    ) -> None:
        self.validator = validator
        self.reads = reads
        self.mentions = mentions
        self.orders = orders
        self.fast = fast
        self.cache: dict[tuple, tuple[tuple[tuple[int, int], Any, bool], ...]] = {}

    def fixed_by(self, names: tuple) -> bool:
        """Whether the message's attribute names alone decide the outcome:
        the rule reads no value the message has."""
        return self.reads is not None and not any(n in names for n in self.reads)

    def issues(
        self,
        owner: "ProductTypeSchema",
        attributes: Mapping[str, Any],
        names: tuple,
        frozen: "_Frozen",
    ) -> tuple[tuple[tuple[int, int], Any, bool], ...]:
        if self.reads is None:
            read: Any = _freeze(attributes)
        else:
            read = tuple(map(frozen.get, self.reads))
        if self.mentions is None:
            present: Any = names
        else:
            present = tuple(map(attributes.__contains__, self.mentions))
        key = (present, read)
        cached = self.cache.get(key)
        if cached is None:
            if _valid(self.fast, attributes):
                cached = ()
            else:
                found: list[tuple[tuple[int, int], Any, bool]] = []
                for error in self.validator.iter_errors(_decimals(attributes)):
                    order = self.orders[error.relative_schema_path[1]]
                    found.extend(
                        (order, issue, top) for issue, top in owner._flagged(error)
                    )
                cached = tuple(found)
            _bounded_put(self.cache, key, cached)
        return cached


class ValidatedPart:
    """Attributes validated once for the messages that share them: per
    name, (the value object, its cache key, its issues). Only a message
    attribute holding that very object takes its outcome from here."""

    __slots__ = ("entries",)

    def __init__(self, entries: dict[str, tuple[Any, Any, tuple]]) -> None:
        self.entries = entries


_NO_ENTRIES: dict[str, tuple[Any, Any, tuple]] = {}


class _Frozen:
    """Each attribute's cache key, computed once per message however many
    rules read it: the key a ``ValidatedPart`` holds for that very value, the
    caller's token for the value (``validate(keys=)``) or its ``_freeze``
    key."""

    __slots__ = ("attributes", "keys", "shared", "tokens")

    def __init__(
        self,
        attributes: Mapping[str, Any],
        tokens: Mapping[str, tuple[Any, Hashable]] | None,
        shared: dict[str, tuple[Any, Any, tuple]] = _NO_ENTRIES,
    ) -> None:
        self.attributes = attributes
        self.tokens = tokens or {}
        self.shared = shared
        self.keys: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        key = self.keys.get(name, _MISSING)
        if key is _MISSING:
            value = self.attributes.get(name, _MISSING)
            entry = self.shared.get(name)
            if value is _MISSING:
                key = value
            elif entry is not None and entry[0] is value:
                key = entry[1]
            else:
                token = self.tokens.get(name)
                if token is not None and token[0] is value:
                    # Tagged: a token never equals a frozen value.
                    key = (_TOKEN, token[1])
                else:
                    key = _freeze(value)
            self.keys[name] = key
        return key


def _valid(predicate: Predicate | None, value: Any) -> bool:
    """The compiled predicate's yes; no (jsonschema then words the issues)
    when there is none, it says no, or it is unsure."""
    if predicate is None:
        return False
    try:
        return predicate(value)
    except Unsure:
        return False


class _Plan:
    """Validation split by what each part reads.

    Each top-level property is validated on its own (its outcome depends on
    its value alone) and cached by (attribute, value). The root's other rules
    (``required``, each ``allOf`` entry with its ``if``/``then``,
    ``dependentRequired``...) are grouped by the attributes whose values they
    read and cached by the message's shape: the attribute names present plus
    those values; the groups reading no value the message has are decided by
    its names alone, once per distinct set of names. Issues are put back in
    the order one whole-document pass yields them (root keyword order,
    ``allOf`` entries in order), so deduplication and sorting give exactly
    what that pass gives. A value or shape met for the first time is checked
    by its compiled predicate (``schema_predicates``) and only goes through
    jsonschema when that is not a plain yes.
    """

    def __init__(
        self, owner: "ProductTypeSchema", groups: list[_Group], properties_at: int
    ) -> None:
        self.owner = owner
        self.validators = {
            name: owner._validator.evolve(schema=sub)
            for name, sub in owner.schema["properties"].items()
        }
        self.fast = {
            name: _predicate(owner, sub)
            for name, sub in owner.schema["properties"].items()
        }
        self.groups = groups
        self.properties_at = properties_at
        self.values: dict[tuple[str, Any], tuple[ValidationIssue, ...]] = {}
        # Attribute names -> (what the groups decided by names alone found,
        # the groups left to ask per message, every value those read).
        self.layouts: dict[tuple, tuple[list, list[_Group], Any]] = {}
        # (names, the keys of the values the asked groups read) -> the root
        # rules' issues (``_root``).
        self.roots: dict[tuple, list] = {}

    def issues(
        self,
        attributes: Mapping[str, Any],
        enforce: bool,
        tokens: Mapping[str, tuple[Any, Hashable]] | None = None,
        part: ValidatedPart | None = None,
    ) -> list[ValidationIssue]:
        names = tuple(attributes)
        shared = part.entries if part is not None else _NO_ENTRIES
        frozen = _Frozen(attributes, tokens, shared)
        layout = self.layouts.get(names)
        if layout is None:
            layout = self._layout(attributes, names, frozen)
        settled, asked, reads = layout
        if reads is None:
            root = self._root(attributes, names, frozen, settled, asked)
        else:
            # The asked groups' outcome is decided by the names and the
            # values they read: one lookup for all of them.
            key = (names, tuple(map(frozen.get, reads)))
            cached = self.roots.get(key)
            if cached is None:
                cached = self._root(attributes, names, frozen, settled, asked)
                _bounded_put(self.roots, key, cached)
            root = cached
        if not enforce:
            root = [found for found in root if not found[2]]
        at = self.properties_at
        found = [issue for order, issue, _ in root if order[0] < at] if root else []
        # The per-value lookup of _value_issues written out: a message has
        # some sixty attributes, most of them valid values met before.
        values, validators, get = self.values, self.validators, frozen.get
        for name, value in attributes.items():
            entry = shared.get(name)
            if entry is not None and entry[0] is value:
                if entry[2]:
                    found.extend(entry[2])
            elif name in validators:
                key = get(name)
                issues = values.get((name, key))
                if issues is None:
                    issues = self._value_issues(name, value, key)
                if issues:
                    found.extend(issues)
        if root:
            found.extend(issue for order, issue, _ in root if order[0] > at)
        return found

    def part(
        self,
        attributes: Mapping[str, Any],
        tokens: Mapping[str, tuple[Any, Hashable]] | None,
    ) -> ValidatedPart:
        frozen = _Frozen(attributes, tokens)
        entries = {}
        for name, value in attributes.items():
            key = frozen.get(name)
            issues = (
                self._value_issues(name, value, key) if name in self.validators else ()
            )
            entries[name] = (value, key, issues)
        return ValidatedPart(entries)

    def _value_issues(
        self, name: str, value: Any, frozen_key: Any
    ) -> tuple[ValidationIssue, ...]:
        """One top-level attribute's issues, cached by (name, value)."""
        key = (name, frozen_key)
        cached = self.values.get(key)
        if cached is None:
            if _valid(self.fast[name], value):
                cached = ()
            else:
                cached = tuple(
                    issue
                    for error in self.validators[name].iter_errors(_decimals(value))
                    for issue, _ in self.owner._flagged(error, (name,))
                )
            _bounded_put(self.values, key, cached)
        return cached

    def _root(
        self,
        attributes: Mapping[str, Any],
        names: tuple,
        frozen: "_Frozen",
        settled: list,
        asked: list[_Group],
    ) -> list:
        """The root rules' issues (each with its order and whether it is a
        top-level requirement), in the order one whole pass yields them."""
        root = [*settled]
        for group in asked:
            root.extend(group.issues(self.owner, attributes, names, frozen))
        root.sort(key=lambda found: found[0])
        return root

    def _layout(
        self, attributes: Mapping[str, Any], names: tuple, frozen: "_Frozen"
    ) -> tuple[list, list[_Group], tuple[str, ...] | None]:
        settled: list = []
        asked: list[_Group] = []
        for group in self.groups:
            if group.fixed_by(names):
                settled.extend(group.issues(self.owner, attributes, names, frozen))
            else:
                asked.append(group)
        # Every value the asked groups read, or None when one may read any.
        reads: tuple[str, ...] | None = None
        if all(group.reads is not None for group in asked):
            reads = tuple(
                dict.fromkeys(name for group in asked for name in group.reads or ())
            )
        layout = (settled, asked, reads)
        _bounded_put(self.layouts, names, layout)
        return layout


def _predicate(owner: "ProductTypeSchema", node: Any) -> Predicate | None:
    return compile_predicate(
        node,
        owner.schema,
        selector_key=owner._selector_key,
        selector_defaults=owner._selector_defaults,
        format_checker=_FORMATS,
    )


# Root keywords that never produce an error of their own.
_SILENT = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "$anchor",
        "$vocabulary",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
# Root keywords whose outcome depends on annotations of their siblings: the
# split would change it, so such schemas are validated in one pass.
_UNSPLITTABLE = frozenset(
    {"unevaluatedProperties", "$recursiveRef", "$recursiveAnchor", "$dynamicRef"}
)


def _compile(owner: "ProductTypeSchema") -> _Plan | None:
    """The split plan, or None when the schema cannot be split safely (a
    reference into the top-level properties, which the split replaces, or
    keywords reading their siblings' annotations)."""
    schema = owner.schema
    if _UNSPLITTABLE & set(schema) or '"#/properties' in json.dumps(
        schema, default=str
    ):
        return None
    names_true = dict.fromkeys(schema["properties"], True)
    units: list[tuple[tuple[int, int], Any]] = []
    for position, (keyword, value) in enumerate(schema.items()):
        if keyword == "properties" or keyword in _SILENT:
            continue
        if keyword == "allOf" and isinstance(value, list):
            units.extend(((position, i), rule) for i, rule in enumerate(value))
        elif keyword in ("additionalProperties", "patternProperties"):
            # additionalProperties looks at its sibling properties' names.
            unit = {keyword: value, "properties": names_true}
            if keyword == "additionalProperties" and "patternProperties" in schema:
                unit["patternProperties"] = schema["patternProperties"]
            units.append(((position, 0), unit))
        else:
            units.append(((position, 0), {keyword: value}))
    by_reads: dict[tuple, list[tuple[tuple[int, int], Any]]] = {}
    for order, unit in units:
        # The placeholder properties beside additionalProperties read nothing.
        top = unit if unit.get("properties") is names_true else None
        reads = _ordered(_root_reads(unit, schema, set(), top), names_true)
        mentions = _ordered(_root_mentions(unit, schema, set()), names_true)
        by_reads.setdefault((reads, mentions), []).append((order, unit))
    groups = []
    for (reads, mentions), members in by_reads.items():
        rules = {"allOf": [unit for _, unit in members]}
        groups.append(
            _Group(
                owner._validator.evolve(schema=rules),
                reads,
                mentions,
                [order for order, _ in members],
                _predicate(owner, rules),
            )
        )
    return _Plan(owner, groups, list(schema).index("properties"))


# Keywords whose error, raised on the whole object, quotes all of it: a rule
# reporting through one depends on every value.
_QUOTES_INSTANCE = frozenset(
    {"not", "anyOf", "oneOf", "minProperties", "maxProperties"}
)


def _root_reads(
    node: Any, document: Mapping, seen: set, top: Any, reported: bool = True
) -> set[str] | None:
    """Top-level attribute names whose values a rule applied to the whole
    object reads (via ``properties`` in ``allOf``/``if``/``then``...), or None
    when it may read any value (``patternProperties``, ``enum``, an error
    message quoting the whole object...). ``reported`` is False inside an
    ``if`` (or ``not``), whose own errors never reach the issues."""
    if isinstance(node, bool):
        return set()
    if not isinstance(node, Mapping):
        return None
    if (id(node), reported) in seen:
        return set()
    seen.add((id(node), reported))
    reads: set[str] = set()
    for keyword, value in node.items():
        if reported and keyword in _QUOTES_INSTANCE:
            return None
        if keyword in _NAMES_ONLY:
            continue
        if keyword == "properties" and isinstance(value, Mapping):
            if node is not top:
                reads.update(value)
            continue
        if keyword in ("additionalProperties", "unevaluatedProperties"):
            if value is False or value is True:
                continue
            return None
        quiet = reported
        if keyword in _IN_PLACE and isinstance(value, list):
            children: list[Any] = value
        elif keyword in _IN_PLACE_ONE:
            children = [value]
            quiet = reported and keyword not in ("if", "not")
        elif keyword == "dependentSchemas" and isinstance(value, Mapping):
            children = list(value.values())
        elif keyword == "$ref" and isinstance(value, str) and value.startswith("#"):
            children = [_pointer_get(document, value[1:])]
        else:
            return None
        for child in children:
            more = _root_reads(child, document, seen, top, quiet)
            if more is None:
                return None
            reads |= more
    return reads


def _ordered(names: set[str] | None, order: Mapping) -> tuple[str, ...] | None:
    if names is None:
        return None
    return tuple(sorted(names, key=lambda n: (n not in order, n)))


# Keywords reading how many or which attributes there are, beyond the names
# they list: a rule with one depends on every name present.
_ALL_NAMES = frozenset(
    {
        "additionalProperties",
        "unevaluatedProperties",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
    }
)
_NO_NAMES = frozenset(
    {"type", "enum", "const"} | (_NAMES_ONLY - _ALL_NAMES - {"required"})
) - {"dependentRequired"}


def _root_mentions(node: Any, document: Mapping, seen: set[int]) -> set[str] | None:
    """Attribute names whose presence a rule applied to the whole object can
    depend on, or None when it may depend on every name present."""
    if isinstance(node, bool):
        return set()
    if not isinstance(node, Mapping):
        return None
    if id(node) in seen:
        return set()
    seen.add(id(node))
    names: set[str] = set()
    for keyword, value in node.items():
        if keyword in _ALL_NAMES:
            return None
        if keyword == "required" and isinstance(value, list):
            names.update(str(v) for v in value)
        elif keyword == "dependentRequired" and isinstance(value, Mapping):
            for key, needed in value.items():
                names.add(key)
                names.update(str(v) for v in needed or ())
        elif keyword in ("properties", "dependentSchemas") and isinstance(
            value, Mapping
        ):
            names.update(value)
            if keyword == "dependentSchemas":
                for child in value.values():
                    more = _root_mentions(child, document, seen)
                    if more is None:
                        return None
                    names |= more
        elif keyword in _IN_PLACE and isinstance(value, list):
            for child in value:
                more = _root_mentions(child, document, seen)
                if more is None:
                    return None
                names |= more
        elif keyword in _IN_PLACE_ONE:
            more = _root_mentions(value, document, seen)
            if more is None:
                return None
            names |= more
        elif keyword == "$ref" and isinstance(value, str) and value.startswith("#"):
            more = _root_mentions(_pointer_get(document, value[1:]), document, seen)
            if more is None:
                return None
            names |= more
        elif keyword not in _NO_NAMES:
            return None
    return names


def _pointer_get(root: Mapping, pointer: str) -> Any:
    node: Any = root
    for part in pointer.split("/")[1:] if pointer else ():
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _freeze(value: Any) -> Any:
    """A hashable key telling apart every value validation could tell apart:
    types (1, True, "1", Decimal 1.0) and key order (it shows in messages)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is dict:
        return ("{", tuple((k, _freeze(v)) for k, v in value.items()))
    if kind is list or kind is tuple:
        return ("[", tuple(_freeze(v) for v in value))
    if kind is float or kind is Decimal:
        return (kind, repr(value))
    if isinstance(value, Mapping):
        return ("{", tuple((k, _freeze(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return object()  # never equal to another key: validated every time
    return (kind, value)


def _bounded_put(cache: dict, key: Any, value: Any) -> None:
    bounded_put(cache, key, value, _CACHE_MAX_ENTRIES)


def _sorted(issues: Iterable[ValidationIssue]) -> list[ValidationIssue]:
    unique: dict[tuple[str, str, str], ValidationIssue] = {}
    for issue in issues:
        unique.setdefault((issue.path, issue.code, issue.message), issue)
    return sorted(unique.values(), key=lambda i: (i.attribute, i.path, i.code))


class SchemaCache:
    """Product type schemas by checksum: Amazon changes the checksum on change.

    ``loader`` fetches a schema document by URL (the link getDefinitionsProductType
    returns) and may return bytes, text or parsed JSON; the cache keeps the
    ``maxsize`` most recently used schemas. Safe to share between threads.
    """

    def __init__(
        self,
        loader: Callable[[str], bytes | str | Mapping[str, Any]],
        *,
        maxsize: int = 32,
        verify_checksum: bool = False,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1.")
        self._loader = loader
        self._maxsize = maxsize
        self._verify = verify_checksum
        self._entries: OrderedDict[str, ProductTypeSchema] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, checksum: str) -> bool:
        return checksum in self._entries

    def get(self, url: str, checksum: str) -> ProductTypeSchema:
        with self._lock:
            if checksum in self._entries:
                self._entries.move_to_end(checksum)
                return self._entries[checksum]
        # Loaded outside the lock: a slow download must not block cache hits.
        raw = self._loader(url)
        if isinstance(raw, bytes | str):
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
            if self._verify and not checksum_matches(data, checksum):
                raise ValueError(
                    f"Schema from {url} does not match checksum {checksum}."
                )
            raw = json.loads(data, parse_float=Decimal)
        schema = ProductTypeSchema(raw, checksum=checksum)
        with self._lock:
            self._entries[checksum] = schema
            self._entries.move_to_end(checksum)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
        return schema

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def checksum_matches(data: bytes, checksum: str) -> bool:
    """Amazon documents the checksum as Base64 MD5; hex is accepted too."""
    digest = hashlib.md5(data, usedforsecurity=False).digest()
    return checksum in (base64.b64encode(digest).decode(), digest.hex())


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_decimals(v) for v in value]
    return value


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _quoted(message: str) -> str:
    match = re.match(r"^'([^']*)'", message)
    return match.group(1) if match else message


def _describe(key: tuple) -> str:
    shown = [f"{name}={json.loads(value)}" for name, value in key if name]
    return f" for {', '.join(shown)}" if shown else ""


def _type_name(expected: Any) -> str:
    names = {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "true or false",
        "array": "a list",
        "object": "an object",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(t, str(t)) for t in expected)
    return names.get(expected, str(expected))
