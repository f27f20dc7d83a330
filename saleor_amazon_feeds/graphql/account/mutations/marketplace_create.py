import graphene
from django.db import IntegrityError, transaction

from ....amazon.identifiers import marketplace_id_problem
from ....amazon.marketplaces import UnknownMarketplaceError, get_marketplace
from ....models import accounts as models
from ....services import marketplaces as services
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import ErrorCollector, InputError
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..inputs import AmazonMarketplaceCreateInput
from ..types import AmazonMarketplace
from .marketplace_settings import apply_settings


class AmazonMarketplaceCreate(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)

    class Arguments:
        input = AmazonMarketplaceCreateInput(required=True)

    class Meta:
        description = (
            "Add an Amazon marketplace to an account. Its credentials are checked "
            "against Amazon: CONFIGURED on success, ERROR with Amazon's reason "
            "otherwise."
        )
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, input):
        data = dict(input)
        errors = ErrorCollector()
        account = get_by_global_id(
            models.AmazonAccount.objects.all(),
            data["account_id"],
            "AmazonAccount",
            "accountId",
        )
        marketplace_id = (data.get("marketplace_id") or "").strip()
        try:
            if marketplace_id_problem(marketplace_id):
                raise UnknownMarketplaceError(marketplace_id)
            known = get_marketplace(marketplace_id)
        except UnknownMarketplaceError as exc:
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.UNKNOWN_MARKETPLACE.value,
                "Not an Amazon marketplace ID (e.g. A1PA6795UKMFR9 for Amazon.de).",
            ) from exc
        if known.region.value != account.region:
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.REGION_MISMATCH.value,
                f"Marketplace {marketplace_id} ({known.country_code}) is in region "
                f"{known.region.value}, the account in {account.region}.",
            )
        if account.marketplaces.filter(marketplace_id=marketplace_id).exists():
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"Marketplace {marketplace_id} is already set up for this account.",
            )
        marketplace = models.AmazonMarketplace(
            account=account,
            marketplace_id=marketplace_id,
            country=known.country_code,
            currency=known.currency,
        )
        if data.get("channel_id") is None:
            errors.add(
                "channelId",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Link the marketplace to a Saleor channel.",
            )
        if data.get("warehouse_ids") is None:
            errors.add(
                "warehouseIds",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Pick at least one warehouse.",
            )
        warehouses = apply_settings(info, marketplace, data, errors)
        errors.raise_if_any()

        participations, error = services.check_credentials(account)
        if error is None and not (
            services.find_participation(participations, marketplace_id) or {}
        ).get("isParticipating"):
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.NOT_PARTICIPATING.value,
                services.not_participating_message(account, marketplace_id),
            )
        services.apply_check_result(marketplace, participations, error)
        try:
            with transaction.atomic():
                marketplace.save()
                marketplace.warehouses.set(warehouses)
        except IntegrityError as exc:
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"Marketplace {marketplace_id} is already set up for this account.",
            ) from exc
        return {"marketplace": marketplace}
