"""Checks shared by creating and updating an account: its name and credentials."""

from ....amazon.identifiers import CREDENTIAL_MAX_LENGTH as SECRET_MAX
from ....amazon.identifiers import credential_problem, label_problem
from ....models import AmazonAccount
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import ErrorCollector

INVALID = AmazonFeedsErrorCode.INVALID.value
REQUIRED = AmazonFeedsErrorCode.REQUIRED.value
# Column sizes are the limits: one home for each, the model.
NAME_MAX = AmazonAccount._meta.get_field("name").max_length
CLIENT_ID_MAX = AmazonAccount._meta.get_field("lwa_client_id").max_length
# input key -> (GraphQL field, label for people, longest accepted)
_CREDENTIALS = {
    "lwa_client_id": ("lwaClientId", "LWA client ID", CLIENT_ID_MAX),
    "lwa_client_secret": ("lwaClientSecret", "LWA client secret", SECRET_MAX),
    "refresh_token": ("refreshToken", "refresh token", SECRET_MAX),
}


def check_account_input(data: dict, errors: ErrorCollector, *, creating: bool) -> None:
    """Add a problem with the name or a credential to ``errors``; an update
    checks only what it changes."""
    name = data.get("name")
    if name is not None or creating:
        problem = label_problem(name or "", "account a name", NAME_MAX)
        if problem:
            errors.add(
                "name", REQUIRED if not (name or "").strip() else INVALID, problem
            )
    for field, (graphql_field, label, max_length) in _CREDENTIALS.items():
        value = data.get(field)
        if value is None and not creating:
            continue
        problem = credential_problem(value or "", label, max_length)
        if problem:
            errors.add(graphql_field, REQUIRED if not value else INVALID, problem)
