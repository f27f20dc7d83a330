"""Every part of Saleor the plugin uses that is not a model: one file to fix on
a Saleor upgrade, and one test (``tests/saleor/test_saleor_compat.py``) that
says what broke.

What counts as internal: anything imported from ``saleor`` except

* model modules, ``saleor.<app>.models`` (and the classes in them): the
  database schema the plugin reads and writes, which Saleor changes only
  through migrations, with release notes;
* the permission enums of ``saleor.permission.enums`` (``OrderPermissions``,
  ...): the names of permissions, part of Saleor's public API. The module's
  helper ``get_permissions`` is a function, so it comes from here.

Everything else (functions, GraphQL machinery, exceptions, choice classes kept
outside ``models``, the Celery app, the plugin base class) is imported here
and nowhere else in the package; an import-linter contract (``.importlinter``)
holds every other module to that. Tests may use Saleor's test fixtures
directly.

Most names are re-exported as they are; ``execute_saleor_graphql`` adapts
Saleor's in-process GraphQL, whose request object is Saleor's business.
"""

from typing import Any

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from saleor import __version__ as SALEOR_VERSION
from saleor.app.models import App
from saleor.app.types import AppType
from saleor.attribute import AttributeInputType
from saleor.celeryconf import app as celery_app
from saleor.core import JobStatus
from saleor.core.db.connection import allow_writer
from saleor.core.exceptions import InsufficientStock, PermissionDenied
from saleor.core.jwt_manager import get_jwt_manager
from saleor.core.utils import build_absolute_uri, get_domain
from saleor.graphql.api import API_PATH
from saleor.graphql.api import schema as saleor_schema
from saleor.graphql.app.dataloaders.utils import get_app_promise
from saleor.graphql.context import get_context_value
from saleor.graphql.core import SaleorContext
from saleor.graphql.core.validators import validate_query
from saleor.graphql.meta.mutations.utils import update_private_metadata
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.order import OrderStatus
from saleor.order.actions import cancel_order
from saleor.order.fetch import OrderLineInfo
from saleor.permission.enums import get_permissions
from saleor.permission.utils import (
    has_one_of_permissions,
    message_one_of_permissions_required,
)
from saleor.plugins.base_plugin import BasePlugin
from saleor.plugins.manager import get_plugins_manager
from saleor.product import ProductMediaTypes
from saleor.warehouse.lock_objects import stock_qs_select_for_update
from saleor.warehouse.management import (
    allocate_stocks,
    get_order_lines_with_track_inventory,
)
from saleor.webhook.event_types import WebhookEventAsyncType

__all__ = [
    "SALEOR_VERSION",
    "AppType",
    "AttributeInputType",
    "BasePlugin",
    "InsufficientStock",
    "JobStatus",
    "OrderLineInfo",
    "OrderStatus",
    "PermissionDenied",
    "ProductMediaTypes",
    "SaleorContext",
    "WebhookEventAsyncType",
    "allocate_stocks",
    "allow_writer",
    "build_absolute_uri",
    "cancel_order",
    "celery_app",
    "execute_saleor_graphql",
    "get_app_promise",
    "get_context_value",
    "get_jwt_manager",
    "get_order_lines_with_track_inventory",
    "get_permissions",
    "get_plugins_manager",
    "get_user_or_app_from_context",
    "has_one_of_permissions",
    "message_one_of_permissions_required",
    "saleor_request",
    "stock_qs_select_for_update",
    "update_private_metadata",
    "validate_query",
]


def saleor_request(app: App) -> SaleorContext:
    """A request to Saleor's API made by ``app`` without HTTP, ready to execute.

    Built the way Saleor builds its own for work that arrives without a
    request (webhook subscription payloads): a bare request object on the API
    path with the shop's host, here a POST as the app; Saleor's context helper
    then adds dataloaders, the request time and the (absent) user.
    """
    request = SaleorContext(dataloaders={})
    request.method = "POST"
    request.path = request.path_info = str(API_PATH)
    secure = bool(getattr(settings, "ENABLE_SSL", False))
    request.META = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": request.path,
        # The shop's own host (PUBLIC_URL or the site's domain), resolved only
        # if something asks for it.
        "SERVER_NAME": SimpleLazyObject(get_domain),
        "SERVER_PORT": "443" if secure else "80",
        "REMOTE_ADDR": "127.0.0.1",
    }
    if secure:
        request.META["HTTP_X_FORWARDED_PROTO"] = "https"
    request.app = app
    return get_context_value(request)


def execute_saleor_graphql(
    query: str, variables: dict[str, Any] | None = None, *, app: App
) -> dict[str, Any]:
    """Run an operation against Saleor's own schema in-process, as ``app``.

    Returns ``data``; GraphQL-level errors raise RuntimeError (they mean a bug
    in the query, not bad merchant data, which mutations report in ``errors``).
    """
    result = saleor_schema.execute(
        query, variables=variables or {}, context_value=saleor_request(app)
    )
    if result.errors:
        raise RuntimeError(
            "Saleor GraphQL error: " + "; ".join(str(e) for e in result.errors)
        )
    return result.data
