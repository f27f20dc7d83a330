"""The account and marketplace mutations, one per module: create, update,
delete an account; create, update, check, delete a marketplace."""

from .account_create import AmazonAccountCreate
from .account_delete import AmazonAccountDelete
from .account_update import AmazonAccountUpdate
from .marketplace_check import AmazonMarketplaceCheck
from .marketplace_create import AmazonMarketplaceCreate
from .marketplace_delete import AmazonMarketplaceDelete
from .marketplace_update import AmazonMarketplaceUpdate

__all__ = [
    "AmazonAccountCreate",
    "AmazonAccountDelete",
    "AmazonAccountUpdate",
    "AmazonMarketplaceCheck",
    "AmazonMarketplaceCreate",
    "AmazonMarketplaceDelete",
    "AmazonMarketplaceUpdate",
]
