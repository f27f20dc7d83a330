import graphene

from ....models import AmazonAccount as AccountModel
from ....services.marketplaces import verify_account_marketplaces
from ...core.errors import ErrorCollector
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..inputs import AmazonAccountInput
from ..types import AmazonAccount
from .account_input import check_account_input


class AmazonAccountUpdate(BaseMutation):
    account = graphene.Field(AmazonAccount)

    class Arguments:
        id = graphene.ID(required=True)
        input = AmazonAccountInput(required=True)

    class Meta:
        description = (
            "Rename the account or replace its credentials; new credentials are "
            "verified for every marketplace."
        )
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, id, input):
        account = get_by_global_id(
            AccountModel.objects.all(), id, "AmazonAccount", "id"
        )
        data = dict(input)
        errors = ErrorCollector()
        check_account_input(data, errors, creating=False)
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
            # Participations were read with the old credentials.
            account.participations = []
            account.participations_fetched_at = None
        account.save()
        if credentials_changed:
            verify_account_marketplaces(account)
        return {"account": account}
