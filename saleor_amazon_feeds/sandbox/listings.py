"""The listings store and the Listings Items 2021-08-01 operations on it.

Listings are kept per (seller, marketplace, sku). Feeds and the REST API share
the write paths here so both behave the same way.
"""

import base64
import copy
import hashlib
import re
import uuid
from typing import Any

from . import clock, product_types, sellers, validation
from .errors import ApiError, invalid_input, unauthorized
from .routing import Request, Response
from .state import SandboxState

MODEL = "listingsItems_2021-08-01"
ITEM_DATA = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
DEFAULT_SELECTORS = ("marketplace_id", "language_tag")
_ATTRIBUTE_PATH = re.compile(r"^/attributes/([^/]+)$")


class PatchError(ValueError):
    pass


# -- store -----------------------------------------------------------------------


def asin_for(seller_id: str, sku: str) -> str:
    digest = hashlib.sha1(f"{seller_id}/{sku}".encode()).digest()
    return "B0" + base64.b32encode(digest).decode()[:8]


def _selectors(product_type: str, attribute: str) -> tuple[str, ...]:
    d = product_types.definition(product_type)
    if d is not None:
        prop = d["schema"].get("properties", {}).get(attribute, {})
        if prop.get("selectors"):
            return tuple(prop["selectors"])
    return DEFAULT_SELECTORS


def _same_selectors(a: Any, b: Any, selectors: tuple[str, ...]) -> bool:
    if not isinstance(a, dict) or not isinstance(b, dict):
        return a == b
    return all(a.get(s) == b.get(s) for s in selectors)


def apply_patches(
    product_type: str, attributes: dict[str, Any], patches: list[dict[str, Any]]
) -> tuple[dict[str, Any], set[str]]:
    """Apply Listings JSON Patch operations; returns (new attributes, touched names)."""
    result = copy.deepcopy(attributes)
    touched: set[str] = set()
    for patch in patches:
        match = _ATTRIBUTE_PATH.match(str(patch.get("path", "")))
        if not match:
            raise PatchError(
                f"The patch path '{patch.get('path')}' is invalid; "
                "expected /attributes/<name>."
            )
        name = match.group(1)
        op = patch.get("op")
        value = patch.get("value")
        touched.add(name)
        if op in ("add", "replace"):
            if not isinstance(value, list) or not value:
                raise PatchError(f"The '{op}' operation on '{name}' requires a value.")
            result[name] = copy.deepcopy(value)
        elif op == "merge":
            if not isinstance(value, list) or not value:
                raise PatchError(f"The 'merge' operation on '{name}' requires a value.")
            selectors = _selectors(product_type, name)
            current = result.setdefault(name, [])
            for item in value:
                for i, existing in enumerate(current):
                    if _same_selectors(existing, item, selectors):
                        merged = dict(existing)
                        merged.update(item)
                        current[i] = merged
                        break
                else:
                    current.append(copy.deepcopy(item))
        elif op == "delete":
            if not value:
                result.pop(name, None)
                continue
            selectors = _selectors(product_type, name)
            kept = [
                e
                for e in result.get(name, [])
                if not any(_same_selectors(e, v, selectors) for v in value)
            ]
            if kept:
                result[name] = kept
            else:
                result.pop(name, None)
        else:
            raise PatchError(f"Unsupported patch operation '{op}'.")
    return result, touched


def _listing_status(
    product_type: str, marketplace_id: str, attributes: dict[str, Any]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Amazon's view of a stored listing: (summary status, listing issues)."""
    product = product_types.attribute_issues(
        product_type, marketplace_id, attributes, "LISTING_PRODUCT_ONLY"
    )
    offer = product_types.attribute_issues(
        product_type, marketplace_id, attributes, "LISTING_OFFER_ONLY"
    )
    issues: list[dict[str, Any]] = []
    for issue in product + offer:
        if issue not in issues:
            issues.append(dict(issue, marketplaceIds=[marketplace_id]))
    status: list[str] = []
    if not product:
        status.append("DISCOVERABLE")
        if not offer and _our_price(attributes) is not None:
            status.insert(0, "BUYABLE")
    return status, issues


def save_listing(
    state: SandboxState,
    seller_id: str,
    marketplace_id: str,
    sku: str,
    product_type: str,
    attributes: dict[str, Any],
    requirements: str | None = None,
) -> dict[str, Any]:
    now = clock.iso(clock.now())
    with state.lock:
        store = state.listings_of(seller_id, marketplace_id)
        previous = store.get(sku)
        status, issues = _listing_status(product_type, marketplace_id, attributes)
        record = {
            "sku": sku,
            "marketplaceId": marketplace_id,
            "productType": product_type,
            "requirements": requirements
            or (previous or {}).get("requirements")
            or "LISTING",
            "attributes": attributes,
            "status": status,
            "issues": issues,
            "asin": asin_for(seller_id, sku) if "DISCOVERABLE" in status else None,
            "createdDate": (previous or {}).get("createdDate", now),
            "lastUpdatedDate": now,
        }
        store[sku] = record
        return record


def get_listing(
    state: SandboxState, seller_id: str, marketplace_id: str, sku: str
) -> dict[str, Any] | None:
    with state.lock:
        return state.listings_of(seller_id, marketplace_id).get(sku)


def delete_listing(
    state: SandboxState, seller_id: str, marketplace_id: str, sku: str
) -> bool:
    with state.lock:
        return state.listings_of(seller_id, marketplace_id).pop(sku, None) is not None


# -- rendering -------------------------------------------------------------------


def _our_price(attributes: dict[str, Any]) -> tuple[str, str] | None:
    for offer in attributes.get("purchasable_offer", []):
        try:
            amount = offer["our_price"][0]["schedule"][0]["value_with_tax"]
        except (KeyError, IndexError, TypeError):
            continue
        return f"{amount}", offer.get("currency", "")
    return None


def _first_value(attributes: dict[str, Any], name: str) -> Any:
    values = attributes.get(name) or []
    return values[0].get("value") if values and isinstance(values[0], dict) else None


def render_item(records: list[dict[str, Any]], included: list[str]) -> dict[str, Any]:
    """A Listings Items ``Item`` for one SKU across the requested marketplaces."""
    first = records[0]
    item: dict[str, Any] = {"sku": first["sku"]}
    if "summaries" in included:
        summaries = []
        for r in records:
            summary: dict[str, Any] = {
                "marketplaceId": r["marketplaceId"],
                "productType": r["productType"],
                "status": r["status"],
                "createdDate": r["createdDate"],
                "lastUpdatedDate": r["lastUpdatedDate"],
            }
            if r.get("asin"):
                summary["asin"] = r["asin"]
            condition = _first_value(r["attributes"], "condition_type")
            if condition:
                summary["conditionType"] = condition
            name = _first_value(r["attributes"], "item_name")
            if name:
                summary["itemName"] = name
            summaries.append(summary)
        item["summaries"] = summaries
    if "attributes" in included:
        item["attributes"] = first["attributes"]
    if "issues" in included:
        item["issues"] = [i for r in records for i in r["issues"]]
    if "offers" in included:
        offers = []
        for r in records:
            price = _our_price(r["attributes"])
            if price:
                currency = (
                    price[1]
                    or sellers.marketplace(r["marketplaceId"])["defaultCurrencyCode"]
                )
                offers.append(
                    {
                        "marketplaceId": r["marketplaceId"],
                        "offerType": "B2C",
                        "price": {"currencyCode": currency, "amount": price[0]},
                    }
                )
        item["offers"] = offers
    if "fulfillmentAvailability" in included:
        item["fulfillmentAvailability"] = [
            {
                k: v
                for k, v in (
                    ("fulfillmentChannelCode", fa.get("fulfillment_channel_code")),
                    ("quantity", fa.get("quantity")),
                )
                if v is not None
            }
            for fa in first["attributes"].get("fulfillment_availability", [])
            if fa.get("fulfillment_channel_code")
        ]
    if "procurement" in included:
        item["procurement"] = []
    if "relationships" in included:
        item["relationships"] = [
            {"marketplaceId": r["marketplaceId"], "relationships": _relationships(r)}
            for r in records
        ]
    if "productTypes" in included:
        item["productTypes"] = [
            {"marketplaceId": r["marketplaceId"], "productType": r["productType"]}
            for r in records
        ]
    return item


def _relationships(record: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for rel in record["attributes"].get("child_parent_sku_relationship", []):
        if rel.get("child_relationship_type") == "variation" and rel.get("parent_sku"):
            entry: dict[str, Any] = {
                "type": "VARIATION",
                "parentSkus": [rel["parent_sku"]],
            }
            theme = (record["attributes"].get("variation_theme") or [{}])[0].get("name")
            if theme:
                entry["variationTheme"] = {
                    "attributes": [a.lower() for a in theme.split("/")],
                    "theme": theme,
                }
            out.append(entry)
    return out


def admin_view(record: dict[str, Any]) -> dict[str, Any]:
    return dict(record)


# -- API -------------------------------------------------------------------------


def _check_seller(request: Request) -> str:
    seller_id = request.path_params["sellerId"]
    if seller_id != request.seller_id:
        raise unauthorized("The access token does not grant access to this seller.")
    return seller_id


def _included(
    request: Request, allowed: tuple[str, ...], default: list[str]
) -> list[str]:
    values = request.param_list("includedData")
    if values is None:
        return default
    bad = [v for v in values if v not in allowed]
    if bad:
        raise invalid_input(f"Invalid 'includedData' value(s): {', '.join(bad)}.")
    return values


def _submission(
    sku: str,
    status: str,
    issues: list[dict[str, Any]],
    included: list[str],
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": sku,
        "status": status,
        "submissionId": uuid.uuid4().hex,
    }
    if "issues" in included:
        body["issues"] = issues
    body.update(extra)
    return body


def _mode(request: Request) -> str | None:
    mode = request.param("mode")
    if mode not in (None, "VALIDATION_PREVIEW"):
        raise invalid_input(f"Invalid value for parameter 'mode': {mode}.")
    return mode


def _body(request: Request, definition: str) -> dict[str, Any]:
    body = request.json()
    errors = validation.model_errors(MODEL, definition, body)
    if not isinstance(body, dict):
        errors = errors or ["The request body must be a JSON object."]
    elif not errors:
        # Without Amazon's models, still refuse what the handlers cannot use.
        needed = {"productType": str}
        needed.update(
            {"attributes": dict}
            if definition == "ListingsItemPutRequest"
            else {"patches": list}
        )
        errors = [
            f"{key}: is a required property"
            for key, kind in needed.items()
            if not isinstance(body.get(key), kind)
        ]
    if errors:
        raise invalid_input(
            "Request has missing or invalid parameters and cannot be parsed.",
            "; ".join(errors),
        )
    return body


def get_listings_item(state: SandboxState, request: Request) -> Response:
    seller_id = _check_seller(request)
    sku = request.path_params["sku"]
    markets = sellers.require_marketplaces(request.param_list("marketplaceIds"))
    included = _included(request, ITEM_DATA, ["summaries"])
    records = [r for m in markets if (r := get_listing(state, seller_id, m, sku))]
    if not records:
        raise ApiError(
            404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {markets[0]}."
        )
    return Response(200, render_item(records, included))


def put_listings_item(state: SandboxState, request: Request) -> Response:
    seller_id = _check_seller(request)
    sku = request.path_params["sku"]
    (market,) = sellers.require_marketplaces(
        request.param_list("marketplaceIds"), max_items=1
    )
    included = _included(request, ("identifiers", "issues"), ["issues"])
    mode = _mode(request)
    body = _body(request, "ListingsItemPutRequest")
    requirements = body.get("requirements", "LISTING")
    issues = product_types.attribute_issues(
        body["productType"], market, body["attributes"], requirements
    )
    invalid = any(i["severity"] == "ERROR" for i in issues)
    if mode == "VALIDATION_PREVIEW":
        extra = {}
        if "identifiers" in included and not invalid:
            extra["identifiers"] = [
                {"marketplaceId": market, "asin": asin_for(seller_id, sku)}
            ]
        status = "INVALID" if invalid else "VALID"
        return Response(200, _submission(sku, status, issues, included, **extra))
    if invalid:
        return Response(200, _submission(sku, "INVALID", issues, included))
    save_listing(
        state,
        seller_id,
        market,
        sku,
        body["productType"],
        body["attributes"],
        requirements,
    )
    state.save()
    return Response(200, _submission(sku, "ACCEPTED", issues, included))


def patch_listings_item(state: SandboxState, request: Request) -> Response:
    seller_id = _check_seller(request)
    sku = request.path_params["sku"]
    (market,) = sellers.require_marketplaces(
        request.param_list("marketplaceIds"), max_items=1
    )
    included = _included(request, ("identifiers", "issues"), ["issues"])
    mode = _mode(request)
    body = _body(request, "ListingsItemPatchRequest")
    product_type = body["productType"]
    existing = get_listing(state, seller_id, market, sku)
    try:
        attributes, touched = apply_patches(
            product_type, existing["attributes"] if existing else {}, body["patches"]
        )
    except PatchError as exc:
        issue = {
            "code": "4000001",
            "message": str(exc),
            "severity": "ERROR",
            "categories": ["INVALID_ATTRIBUTE"],
        }
        return Response(200, _submission(sku, "INVALID", [issue], included))
    issues = [
        i
        for i in product_types.attribute_issues(
            product_type, market, attributes, enforced=False
        )
        if not i.get("attributeNames") or set(i["attributeNames"]) & touched
    ]
    invalid = any(i["severity"] == "ERROR" for i in issues)
    if mode == "VALIDATION_PREVIEW":
        return Response(
            200, _submission(sku, "INVALID" if invalid else "VALID", issues, included)
        )
    if invalid:
        return Response(200, _submission(sku, "INVALID", issues, included))
    save_listing(state, seller_id, market, sku, product_type, attributes)
    state.save()
    return Response(200, _submission(sku, "ACCEPTED", issues, included))


def delete_listings_item(state: SandboxState, request: Request) -> Response:
    seller_id = _check_seller(request)
    sku = request.path_params["sku"]
    (market,) = sellers.require_marketplaces(
        request.param_list("marketplaceIds"), max_items=1
    )
    delete_listing(state, seller_id, market, sku)
    state.save()
    return Response(200, _submission(sku, "ACCEPTED", [], ["issues"]))
