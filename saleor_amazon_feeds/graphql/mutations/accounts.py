import re

import graphene
from django.db import IntegrityError, transaction
from saleor.permission.enums import ChannelPermissions

from ... import conf
from ...models import accounts as models
from ...services.marketplaces import verify_account_marketplaces
from ..core import (
    AmazonFeedsErrorCode,
    BaseMutation,
    ErrorCollector,
    InputError,
    get_by_global_id,
)
from ..types import AmazonAccount, AmazonEnvironment, AmazonRegion

_SELLER_ID_RE = re.compile(r"^[A-Z0-9]{6,32}$")
_TOKEN_RE = re.compile(r"^\S{1,2048}$")
INVALID = AmazonFeedsErrorCode.INVALID.value
REQUIRED = AmazonFeedsErrorCode.REQUIRED.value


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
        if not (name or "").strip():
            errors.add("name", REQUIRED, "Give the account a name.")
        elif len(name) > 250:
            errors.add("name", INVALID, "The name is longer than 250 characters.")
    for field, label in (
        ("lwa_client_id", "LWA client ID"),
        ("lwa_client_secret", "LWA client secret"),
        ("refresh_token", "refresh token"),
    ):
        value = data.get(field)
        graphql_field = {
            "lwa_client_id": "lwaClientId",
            "lwa_client_secret": "lwaClientSecret",
            "refresh_token": "refreshToken",
        }[field]
        if value is None and not creating:
            continue
        if not value:
            errors.add(graphql_field, REQUIRED, f"The {label} is required.")
        elif not _TOKEN_RE.match(value):
            errors.add(
                graphql_field,
                INVALID,
                f"The {label} must be 1-2048 characters without spaces.",
            )


class AmazonAccountCreate(BaseMutation):
    account = graphene.Field(AmazonAccount)
    permissions = (ChannelPermissions.MANAGE_CHANNELS,)

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
        if not _SELLER_ID_RE.match(seller_id):
            errors.add(
                "sellerId",
                INVALID,
                "The seller ID is Amazon's merchant token: 6-32 uppercase letters "
                "and digits.",
            )
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
    permissions = (ChannelPermissions.MANAGE_CHANNELS,)

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
    permissions = (ChannelPermissions.MANAGE_CHANNELS,)

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
