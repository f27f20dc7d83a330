"""Product Type Definitions 2020-09-01 and attribute validation against them.

Definitions live in ``data/product_types/*.json`` (authored for the sandbox,
with ``${...}`` placeholders filled per marketplace) plus Amazon-shaped
``SAMPLE_PRODUCT`` read from the spec folder when it is present.
"""

import base64
import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from saleor_amazon_feeds.spapi_spec import load_json

from . import sellers, validation
from .errors import ApiError, invalid_input
from .routing import Request, Response

DATA_DIR = Path(__file__).parent / "data"
SAMPLE_PRODUCT_FILE = "samples/SAMPLE_PRODUCT.ptd-schema.json"
REQUIREMENTS = ("LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY")

# Sales terms rather than product facts: what LISTING_OFFER_ONLY asks for.
OFFER_ATTRIBUTES = frozenset(
    {
        "condition_type",
        "condition_note",
        "list_price",
        "purchasable_offer",
        "fulfillment_availability",
        "merchant_shipping_group",
        "max_order_quantity",
        "product_tax_code",
        "skip_offer",
        "main_offer_image_locator",
        "merchant_release_date",
    }
)


@cache
def catalog() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((DATA_DIR / "product_types").glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            definition = json.load(fh)
        out[definition["productType"]] = definition
    try:
        sample = load_json(SAMPLE_PRODUCT_FILE)
    except FileNotFoundError:
        sample = None
    if sample is not None:
        out["SAMPLE_PRODUCT"] = {
            "productType": "SAMPLE_PRODUCT",
            "displayName": "Sample Product",
            "keywords": ["sample", "product", "t-shirt", "tshirt", "shirt"],
            "marketplaceIds": ["A1PA6795UKMFR9"],
            "propertyGroups": {
                "offer": {
                    "title": "Offer",
                    "propertyNames": sorted(
                        OFFER_ATTRIBUTES & set(sample["properties"])
                    ),
                },
                "product_identity": {
                    "title": "Product Identity",
                    "propertyNames": sorted(
                        set(sample["properties"]) - OFFER_ATTRIBUTES
                    ),
                },
            },
            "schema": sample,
        }
    return out


def definition(product_type: str) -> dict[str, Any] | None:
    return catalog().get(product_type)


def available_in(product_type: str, marketplace_id: str) -> bool:
    d = definition(product_type)
    if d is None:
        return False
    allowed = d.get("marketplaceIds")
    return allowed is None or marketplace_id in allowed


def _substitutions(marketplace_id: str) -> dict[str, str]:
    m = sellers.marketplace(marketplace_id) or {}
    return {
        "${marketplace_id}": marketplace_id,
        "${marketplace_name}": m.get("name", marketplace_id),
        "${language_tag}": m.get("defaultLanguageCode", "en_US"),
        "${currency}": m.get("defaultCurrencyCode", "USD"),
        "${afn_channel}": "AMAZON_EU" if m.get("region") == "EU" else "AMAZON_NA",
    }


def _fill(node: Any, subs: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: _fill(v, subs) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, subs) for v in node]
    if isinstance(node, str) and "${" in node:
        for key, value in subs.items():
            node = node.replace(key, value)
    return node


def _keep_required(schema: dict[str, Any], keep: Any) -> None:
    """Filter root-level requirements, including conditional ones in allOf."""
    if "required" in schema:
        schema["required"] = [r for r in schema["required"] if keep(r)]
    for branch in schema.get("allOf", []):
        for key in ("then", "else"):
            if isinstance(branch.get(key), dict) and "required" in branch[key]:
                branch[key]["required"] = [
                    r for r in branch[key]["required"] if keep(r)
                ]


def _keep_for(requirements: str, enforced: bool) -> Any:
    if not enforced:
        return lambda name: False
    if requirements == "LISTING_OFFER_ONLY":
        return lambda name: name in OFFER_ATTRIBUTES
    if requirements == "LISTING_PRODUCT_ONLY":
        return lambda name: name not in OFFER_ATTRIBUTES
    return lambda name: True


@cache
def rendered_schema(
    product_type: str,
    marketplace_id: str,
    requirements: str = "LISTING",
    enforced: bool = True,
) -> tuple[dict[str, Any], bytes, str]:
    """The schema a client downloads: (schema, bytes, base64 MD5 checksum)."""
    d = definition(product_type)
    if d is None:
        raise KeyError(product_type)
    schema = _fill(copy.deepcopy(d["schema"]), _substitutions(marketplace_id))
    _keep_required(schema, _keep_for(requirements, enforced))
    blob = json.dumps(schema, ensure_ascii=False, indent=2).encode()
    checksum = base64.b64encode(hashlib.md5(blob).digest()).decode()
    return schema, blob, checksum


@cache
def _validator(
    product_type: str, marketplace_id: str, requirements: str, enforced: bool
) -> Any:
    schema, _, _ = rendered_schema(product_type, marketplace_id, requirements, enforced)
    return validation.ptd_validator(schema)


def version(product_type: str) -> str:
    _, _, checksum = rendered_schema(product_type, "ATVPDKIKX0DER")
    return "U" + checksum.rstrip("=")[:11]


def attribute_issues(
    product_type: str,
    marketplace_id: str,
    attributes: dict[str, Any],
    requirements: str = "LISTING",
    enforced: bool = True,
) -> list[dict[str, Any]]:
    """Issues (Listings Items ``Issue`` shape) for attributes against the definition."""
    if definition(product_type) is None or not available_in(
        product_type, marketplace_id
    ):
        return [
            {
                "code": "4000003",
                "message": f"The product type '{product_type}' is not valid for "
                f"marketplace '{marketplace_id}'.",
                "severity": "ERROR",
                "attributeNames": [],
                "categories": ["INVALID_ATTRIBUTE"],
            }
        ]
    validator = _validator(product_type, marketplace_id, requirements, enforced)
    issues: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(attributes):
        for issue in _issues_from(error, attributes):
            key = (issue["code"], issue["message"])
            if key not in seen:
                seen.add(key)
                issues.append(issue)
    return issues


def _issues_from(error: Any, attributes: dict[str, Any]) -> list[dict[str, Any]]:
    path = list(error.absolute_path)
    if error.validator == "required" and not path:
        missing = [name for name in error.validator_value if name not in attributes]
        return [
            {
                "code": "90220",
                "message": f"'[{name}]' is required but not supplied.",
                "severity": "ERROR",
                "attributeNames": [name],
                "categories": ["MISSING_ATTRIBUTE"],
            }
            for name in missing
        ]
    if error.validator in ("anyOf", "oneOf", "allOf") and error.context:
        # Report the most specific branch failure, as Amazon's messages do.
        best = min(error.context, key=lambda e: -len(list(e.absolute_path)))
        return _issues_from(best, attributes)
    attribute = str(path[0]) if path else ""
    dotted = ".".join(str(p) for p in path if not isinstance(p, int))
    code = "99022" if error.validator in ("minItems", "minUniqueItems") else "4000001"
    return [
        {
            "code": code,
            "message": f"The value provided for '{dotted or attribute}' is invalid: "
            f"{_shorten(error.message)}",
            "severity": "ERROR",
            "attributeNames": [attribute] if attribute else [],
            "categories": ["INVALID_ATTRIBUTE"],
        }
    ]


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- API handlers ----------------------------------------------------------------


def search_definitions(request: Request) -> Response:
    marketplace_ids = sellers.require_marketplaces(request.param_list("marketplaceIds"))
    keywords = request.param_list("keywords")
    item_name = request.param("itemName")
    if keywords and item_name:
        raise invalid_input(
            "Parameters 'keywords' and 'itemName' cannot be used together."
        )
    words = [k.lower() for k in keywords] if keywords else None
    if item_name:
        words = [w.lower() for w in item_name.replace("-", " ").split() if len(w) > 2]
    results = []
    for name, d in sorted(catalog().items()):
        markets = [m for m in marketplace_ids if available_in(name, m)]
        if not markets:
            continue
        if words is not None:
            haystack = {name.lower(), d["displayName"].lower(), *d.get("keywords", [])}
            if not any(any(w in h for h in haystack) for w in words):
                continue
        results.append(
            {"name": name, "displayName": d["displayName"], "marketplaceIds": markets}
        )
    return Response(200, {"productTypes": results, "productTypeVersion": "LATEST"})


def get_definition(request: Request) -> Response:
    product_type = request.path_params["productType"]
    (marketplace_id,) = sellers.require_marketplaces(
        request.param_list("marketplaceIds"), max_items=1
    )
    requirements = request.param("requirements", "LISTING")
    if requirements not in REQUIREMENTS:
        raise invalid_input(
            f"Invalid value for parameter 'requirements': {requirements}."
        )
    enforced_param = request.param("requirementsEnforced", "ENFORCED")
    if enforced_param not in ("ENFORCED", "NOT_ENFORCED"):
        raise invalid_input(
            f"Invalid value for 'requirementsEnforced': {enforced_param}."
        )
    d = definition(product_type)
    if d is None or not available_in(product_type, marketplace_id):
        raise ApiError(
            404,
            "NotFound",
            f"Product type '{product_type}' not found for marketplace "
            f"'{marketplace_id}'.",
        )
    current = version(product_type)
    wanted = request.param("productTypeVersion", "LATEST")
    if wanted not in ("LATEST", "RELEASE_CANDIDATE", current):
        raise ApiError(404, "NotFound", f"Product type version '{wanted}' not found.")
    enforced = enforced_param == "ENFORCED"
    _, _, checksum = rendered_schema(
        product_type, marketplace_id, requirements, enforced
    )
    _, _, meta_checksum = meta_schema()
    locale = request.param("locale", "DEFAULT")
    if locale == "DEFAULT":
        locale = sellers.marketplace(marketplace_id)["defaultLanguageCode"]
    resource = (
        f"{request.base_url}/_sandbox/schemas/product-types/{product_type}/{marketplace_id}"
        f"?requirements={requirements}&requirementsEnforced={enforced_param}"
        f"&checksum={checksum}"
    )
    body = {
        "metaSchema": {
            "link": {
                "resource": f"{request.base_url}/_sandbox/schemas/meta-schema/v1",
                "verb": "GET",
            },
            "checksum": meta_checksum,
        },
        "schema": {"link": {"resource": resource, "verb": "GET"}, "checksum": checksum},
        "requirements": requirements,
        "requirementsEnforced": enforced_param,
        "propertyGroups": d.get("propertyGroups", {}),
        "locale": locale,
        "marketplaceIds": [marketplace_id],
        "productType": product_type,
        "displayName": d["displayName"],
        "productTypeVersion": {
            "version": current,
            "latest": True,
            "releaseCandidate": False,
        },
    }
    return Response(200, body)


@cache
def meta_schema() -> tuple[dict[str, Any], bytes, str]:
    with open(DATA_DIR / "meta-schema.json", encoding="utf-8") as fh:
        schema = json.load(fh)
    blob = json.dumps(schema, indent=2).encode()
    return schema, blob, base64.b64encode(hashlib.md5(blob).digest()).decode()


def download_schema(request: Request) -> Response:
    product_type = request.path_params["productType"]
    marketplace_id = request.path_params["marketplaceId"]
    requirements = request.param("requirements", "LISTING")
    enforced = request.param("requirementsEnforced", "ENFORCED") != "NOT_ENFORCED"
    if (
        definition(product_type) is None
        or requirements not in REQUIREMENTS
        or sellers.marketplace(marketplace_id) is None
    ):
        raise ApiError(404, "NotFound", "No such schema.")
    _, blob, _ = rendered_schema(product_type, marketplace_id, requirements, enforced)
    return Response(200, blob)


def download_meta_schema(request: Request) -> Response:
    return Response(200, meta_schema()[1], content_type="application/schema+json")
