import json
from decimal import Decimal

import pytest
from jsonschema import Draft7Validator

from saleor_amazon_feeds.spapi_spec import load_json

# Tests using these validators are marked `spapi`: the root conftest skips them
# when Amazon's schemas are absent.


@pytest.fixture(scope="session")
def feed_validator() -> Draft7Validator:
    return Draft7Validator(load_json("schemas/listings-feed-schema-v2.json"))


@pytest.fixture(scope="session")
def message_validator() -> Draft7Validator:
    return Draft7Validator(load_json("schemas/listings-feed-message-schema-v2.json"))


def parse_feed(content: bytes) -> dict:
    return json.loads(content.decode("utf-8"), parse_float=Decimal)
