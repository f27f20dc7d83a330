"""Helpers for tests that talk to the plugin's GraphQL endpoint."""

import json


def gql(client, query: str, variables: dict | None = None) -> dict:
    """POST a GraphQL operation and return the parsed body, asserting HTTP 200."""
    response = client.post_graphql(query, variables or {})
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def gql_data(client, query: str, variables: dict | None = None) -> dict:
    """The `data` of a response that must have no top-level errors."""
    body = gql(client, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


def assert_permission_denied(body: dict) -> None:
    assert body["errors"], body
    assert body["errors"][0]["extensions"]["exceptionCode"] == "PermissionDenied"
