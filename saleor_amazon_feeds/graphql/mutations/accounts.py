"""Seller accounts: register, rename or re-key, delete (MANAGE_CHANNELS)."""

import graphene
from django.db import IntegrityError, transaction

from ... import conf
from ...amazon.identifiers import (
    CREDENTIAL_MAX_LENGTH as SECRET_MAX,
)
from ...amazon.identifiers import (
    credential_problem,
    label_problem,
    seller_id_problem,
)
from ...models import accounts as models
from ...services.marketplaces import verify_account_marketplaces
from ..core import BaseMutation, get_by_global_id
from ..errors import AmazonFeedsErrorCode, ErrorCollector, InputError
from ..permissions import MANAGE_CHANNELS
from ..types import AmazonAccount, AmazonEnvironment, AmazonRegion

INVALID = AmazonFeedsErrorCode.INVALID.value
REQUIRED = AmazonFeedsErrorCode.REQUIRED.value
_Account = models.AmazonAccount
# Column sizes are the limits: one home for each, the model.
NAME_MAX = _Account._meta.get_field("name").max_length
CLIENT_ID_MAX = _Account._meta.get_field("lwa_client_id").max_length
# graphql field -> (label for people, longest accepted)
_CREDENTIALS = {
    "lwa_client_id": ("lwaClientId", "LWA client ID", CLIENT_ID_MAX),
    "lwa_client_secret": ("lwaClientSecret", "LWA client secret", SECRET_MAX),
    "refresh_token": ("refreshToken", "refresh token", SECRET_MAX),
}


class AmazonAccountInput(graphene.InputObjectType):
    name = graphene.String(description="A label for people.")
    lwa_client_id = graphene.String(description="LWA client identifier.")
    lwa_client_secret = graphene.String(
        description="LWA client secret. Write-only: never returned."
    )
    refresh_token = graphene.String(
        description="LWA refresh token of the seller. Write-only: never returned."
    )


class AmazonAccountCreateInput(AmazonAccountInput):
    seller_id = graphene.String(required=True, description="Amazon merchant token.")
    region = AmazonRegion(required=True)
    environment = AmazonEnvironment(
        description="Default PRODUCTION. LOCAL_SANDBOX needs AMAZON_FEEDS_SANDBOX_URL."
    )


def _validate_common(data: dict, errors: ErrorCollector, *, creating: bool) -> None:
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


class AmazonAccountCreate(BaseMutation):
    account = graphene.Field(AmazonAccount)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        input = AmazonAccountCreateInput(required=True)

    class Meta:
        description = "Register an Amazon seller account (requires MANAGE_CHANNELS)."

    @classmethod
    def perform(cls, root, info, input):
        data = dict(input)
        errors = ErrorCollector()
        _validate_common(data, errors, creating=True)
        seller_id = (data.get("seller_id") or "").strip()
        problem = seller_id_problem(seller_id)
        if problem:
            errors.add("sellerId", INVALID, problem)
        environment = data.get("environment") or models.Environment.PRODUCTION
        if environment == models.Environment.LOCAL_SANDBOX and not (
            conf.local_sandbox_url()
        ):
            errors.add(
                "environment",
                AmazonFeedsErrorCode.SANDBOX_NOT_CONFIGURED.value,
                "This deployment has no local sandbox (AMAZON_FEEDS_SANDBOX_URL).",
            )
        errors.raise_if_any()
        account = models.AmazonAccount(
            name=data["name"].strip(),
            seller_id=seller_id,
            region=data["region"],
            environment=environment,
            lwa_client_id=data["lwa_client_id"],
        )
        account.lwa_client_secret = data["lwa_client_secret"]
        account.refresh_token = data["refresh_token"]
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError as exc:
            raise InputError.single(
                "sellerId",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"Seller {seller_id} is already registered for region "
                f"{account.region} ({account.environment}).",
            ) from exc
        return {"account": account}


class AmazonAccountUpdate(BaseMutation):
    account = graphene.Field(AmazonAccount)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        id = graphene.ID(required=True)
        input = AmazonAccountInput(required=True)

    class Meta:
        description = (
            "Rename the account or replace its credentials; new credentials are "
            "verified for every marketplace (requires MANAGE_CHANNELS)."
        )

    @classmethod
    def perform(cls, root, info, id, input):
        account = get_by_global_id(
            models.AmazonAccount.objects.all(), id, "AmazonAccount", "id"
        )
        data = dict(input)
        errors = ErrorCollector()
        _validate_common(data, errors, creating=False)
        errors.raise_if_any()
        if data.get("name") is not None:
            account.name = data["name"].strip()
        credentials_changed = False
        if data.get("lwa_client_id") is not None:
            credentials_changed |= data["lwa_client_id"] != account.lwa_client_id
            account.lwa_client_id = data["lwa_client_id"]
        if data.get("lwa_client_secret") is not None:
            account.lwa_client_secret = data["lwa_client_secret"]
            credentials_changed = True
        if data.get("refresh_token") is not None:
            account.refresh_token = data["refresh_token"]
            credentials_changed = True
        if credentials_changed:
            account.participations = []
            account.participations_fetched_at = None
        account.save()
        if credentials_changed:
            verify_account_marketplaces(account)
        return {"account": account}


class AmazonAccountDelete(BaseMutation):
    account = graphene.Field(AmazonAccount)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete the account and its marketplaces (MANAGE_CHANNELS)."

    @classmethod
    def perform(cls, root, info, id):
        account = get_by_global_id(
            models.AmazonAccount.objects.all(), id, "AmazonAccount", "id"
        )
        pk = account.pk
        account.delete()
        # Deleted instances lose their pk; keep it so the response can name it.
        account.pk = pk
        return {"account": account}
