"""Input that no resolver should ever see, refused with an error naming the field.

graphql-core 2 coerces variables loosely and fails badly on what it cannot
coerce: an integer over 32 bits or the string "ten" for an Int raise plain
exceptions (an internal error), and its messages repeat the submitted value,
which may be a secret. ``variable_errors`` checks variables before execution,
strictly as the GraphQL spec coerces JSON input, and names the argument and
field without echoing the value.

``InputGuard`` is execution middleware: every string that reaches any resolver,
from variables or from literals in the query text (``"\\u0000"`` is a valid
GraphQL escape), is checked for what PostgreSQL cannot store (NUL) and for a
size no field of the plugin needs. Mutations report it in their ``errors``
payload (``BaseMutation`` calls ``input_problems`` itself); other fields raise
``InputError``.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError
from graphql.language.ast import Argument, Document, OperationDefinition, Variable
from graphql.type import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from graphql.utils.type_from_ast import type_from_ast

from .enums import AmazonFeedsErrorCode
from .errors import InputError

# Longer than any value the plugin stores (descriptions of mappings included);
# the request body limit bounds the total.
MAX_STRING_CHARS = 10_000
MIN_INT, MAX_INT = -(2**31), 2**31 - 1
INVALID = AmazonFeedsErrorCode.INVALID.value
REQUIRED = AmazonFeedsErrorCode.REQUIRED.value


def join_path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def field_path(argument: str, rest: list[str | int]) -> str:
    """The ``field`` of an error: a mutation's ``input`` is implied, as in
    the mutations' own errors (``name``, ``productTypes[0].productType``)."""
    if argument == "input" and rest:
        return join_path(rest)
    return join_path([argument, *rest])


# -- variables ---------------------------------------------------------------


def _operation(document: Document, name: str | None) -> OperationDefinition | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinition)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _argument_of_variables(operation: OperationDefinition) -> dict[str, str]:
    """Variable name -> the argument it is passed to (first use wins)."""
    found: dict[str, str] = {}
    stack: list[Any] = [operation]
    while stack:
        node = stack.pop()
        if isinstance(node, Argument) and isinstance(node.value, Variable):
            found.setdefault(node.value.name.value, node.name.value)
        for attribute in ("selection_set", "selections", "arguments"):
            child = getattr(node, attribute, None)
            if isinstance(child, list):
                stack.extend(child)
            elif child is not None:
                stack.append(child)
    return found


def variable_errors(
    schema, document: Document, operation_name: str | None, variables: Mapping
) -> list[GraphQLError]:
    operation = _operation(document, operation_name)
    if operation is None:
        return []  # graphql-core reports a missing or ambiguous operation itself
    arguments = _argument_of_variables(operation)
    problems = []
    for definition in operation.variable_definitions or []:
        name = definition.variable.name.value
        var_type = type_from_ast(schema, definition.type)
        if var_type is None:
            continue  # unknown type: a validation error already
        if name not in variables and definition.default_value is not None:
            continue
        argument = arguments.get(name, name)
        for path, message in _value_problems(variables.get(name), var_type, []):
            problems.append(
                {
                    "field": field_path(argument, path),
                    "code": INVALID,
                    "message": message,
                }
            )
    if not problems:
        return []
    error = GraphQLError(
        "Invalid variables: "
        + "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    )
    error.original_error = InputError(problems)
    return [error]


def _value_problems(
    value: Any, type_: Any, path: list[str | int]
) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            yield path, "A value is required."
            return
        type_ = type_.of_type
    if value is None:
        return
    if isinstance(type_, GraphQLList):
        if not isinstance(value, list):
            # GraphQL accepts a single value where a list is expected.
            yield from _value_problems(value, type_.of_type, path)
            return
        for index, item in enumerate(value):
            yield from _value_problems(item, type_.of_type, [*path, index])
        return
    if isinstance(type_, GraphQLInputObjectType):
        if not isinstance(value, Mapping):
            yield path, f"Expected an object ({type_.name})."
            return
        for key in value:
            if key not in type_.fields:
                yield [*path, str(key)[:100]], "Unknown field."
        for name, field in type_.fields.items():
            yield from _value_problems(value.get(name), field.type, [*path, name])
        return
    message = _scalar_problem(value, type_)
    if message:
        yield path, message


def _scalar_problem(value: Any, type_: Any) -> str | None:
    name = getattr(type_, "name", "")
    if name == "Int":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Expected an integer."
        if isinstance(value, float) and not value.is_integer():
            return "Expected an integer."
        if not MIN_INT <= int(value) <= MAX_INT:
            return f"Expected an integer between {MIN_INT} and {MAX_INT}."
        return None
    if name == "Float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Expected a number."
        return None
    if name in ("String", "ID"):
        if isinstance(value, str) or (
            name == "ID" and isinstance(value, int) and not isinstance(value, bool)
        ):
            return None
        return "Expected a string."
    if name == "Boolean":
        return None if isinstance(value, bool) else "Expected true or false."
    if isinstance(type_, GraphQLEnumType):
        if isinstance(value, str) and type_.parse_value(value) is not None:
            return None
        allowed = ", ".join(v.name for v in type_.values)
        return f"Expected one of {allowed}."
    if isinstance(type_, GraphQLScalarType):
        try:
            parsed = type_.parse_value(value)
        except Exception:  # custom scalars raise anything
            parsed = None
        return None if parsed is not None else f"Expected a {name}."
    return None


# -- strings reaching resolvers -------------------------------------------------


def input_problems(arguments: Mapping[str, Any]) -> list[dict[str, str]]:
    """Strings no field accepts, with the field named (camelCase, as sent)."""
    problems = []
    for path, text in _strings(arguments, []):
        field = field_path(path[0], path[1:]) if path else ""
        if "\x00" in text:
            problems.append(
                {
                    "field": field,
                    "code": INVALID,
                    "message": "NUL characters are not allowed.",
                }
            )
        elif len(text) > MAX_STRING_CHARS:
            problems.append(
                {
                    "field": field,
                    "code": INVALID,
                    "message": f"Longer than {MAX_STRING_CHARS} characters.",
                }
            )
    return problems


def _strings(value: Any, path: list) -> Iterator[tuple[list, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _strings(child, [*path, to_camel_case(str(key))])
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from _strings(child, [*path, index])


class InputGuard:
    """graphql-core middleware: refuse unstorable strings before any resolver."""

    def resolve(self, next_, root, info, **arguments):
        if arguments and info.parent_type.name != "Mutation":
            problems = input_problems(arguments)
            if problems:
                raise InputError(problems)
        return next_(root, info, **arguments)
