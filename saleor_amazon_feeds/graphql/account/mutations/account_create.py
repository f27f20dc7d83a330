import graphene
from django.db import IntegrityError, transaction

from .... import conf
from ....amazon.identifiers import seller_id_problem
from ....models import accounts as models
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import ErrorCollector, InputError
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..inputs import AmazonAccountCreateInput
from ..types import AmazonAccount
from .account_input import INVALID, check_account_input


class AmazonAccountCreate(BaseMutation):
    account = graphene.Field(AmazonAccount)

    class Arguments:
        input = AmazonAccountCreateInput(required=True)

    class Meta:
        description = "Register an Amazon seller account."
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, input):
        data = dict(input)
        errors = ErrorCollector()
        check_account_input(data, errors, creating=True)
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
