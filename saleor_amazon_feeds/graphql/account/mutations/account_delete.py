import graphene

from ....models import AmazonAccount as AccountModel
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..types import AmazonAccount


class AmazonAccountDelete(BaseMutation):
    account = graphene.Field(AmazonAccount)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete the account and its marketplaces."
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, id):
        account = get_by_global_id(
            AccountModel.objects.all(), id, "AmazonAccount", "id"
        )
        pk = account.pk
        account.delete()
        # Deleted instances lose their pk; keep it so the response can name it.
        account.pk = pk
        return {"account": account}
