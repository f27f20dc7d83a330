import graphene
from django.db import transaction

from ....catalog.submission import scope_refusal
from ....catalog.tasks import submit_feeds_task
from ...account.lookups import marketplace_by_global_id
from ...account.types import AmazonMarketplace
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import InputError
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_PRODUCTS
from ..enums import AmazonFeedKind


class AmazonSubmitFeeds(BaseMutation):
    marketplaces = graphene.List(graphene.NonNull(AmazonMarketplace), required=True)
    error_defaults = {"marketplaces": []}

    class Arguments:
        marketplace_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        kinds = graphene.List(graphene.NonNull(AmazonFeedKind), required=True)

    class Meta:
        description = (
            "Build and submit the chosen feeds for the chosen marketplaces in the "
            "background; follow them with amazonFeedSubmissions."
        )
        permissions = (MANAGE_PRODUCTS,)

    @classmethod
    def perform(cls, root, info, marketplace_ids, kinds):
        if not marketplace_ids:
            raise InputError.single(
                "marketplaceIds",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Pick at least one marketplace.",
            )
        if not kinds:
            raise InputError.single(
                "kinds", AmazonFeedsErrorCode.REQUIRED.value, "Pick at least one feed."
            )
        marketplaces = [
            marketplace_by_global_id(m, "marketplaceIds") for m in marketplace_ids
        ]
        kind_values = sorted({str(k) for k in kinds})
        for marketplace in marketplaces:
            # Refused as a whole, before anything is queued: dropping the
            # kind would look as if it had been sent.
            refusal = scope_refusal(marketplace, kind_values)
            if refusal:
                raise InputError.single(
                    "kinds", AmazonFeedsErrorCode.KIND_OUT_OF_SCOPE.value, refusal
                )
        for marketplace in marketplaces:
            transaction.on_commit(
                lambda pk=marketplace.pk: submit_feeds_task.delay(pk, kind_values)
            )
        return {"marketplaces": marketplaces}
