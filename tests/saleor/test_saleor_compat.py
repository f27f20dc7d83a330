"""``saleor_compat`` against the real Saleor tree: every name it exports, used
the way the plugin uses it.

After a Saleor upgrade this is the test that says what moved or changed shape:
each check imports the name through ``saleor_compat`` and either calls it with
the arguments (and argument names) the plugin passes, or, where a call needs a
whole order or allocation to be set up (the order tests do that), binds those
arguments to its signature.
"""

import ast
import inspect
from collections.abc import Callable
from pathlib import Path

import graphene
import pytest
from django.http import HttpRequest
from graphql.language.parser import parse
from saleor.app.models import App
from saleor.core.exceptions import InsufficientStockData
from saleor.core.models import Job
from saleor.permission.enums import OrderPermissions, ProductPermissions
from saleor.plugins.manager import PluginsManager
from saleor.warehouse.models import Stock

import saleor_amazon_feeds
from saleor_amazon_feeds import saleor_compat as compat
from saleor_amazon_feeds.models import AmazonOrderImportJob
from saleor_amazon_feeds.plugin import AmazonFeedsPlugin
from saleor_amazon_feeds.plugin_app import get_or_create_plugin_app
from saleor_amazon_feeds.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db

CHECKS: dict[str, Callable[..., None]] = {}
# Not internals (see saleor_compat's docstring): imported directly.
PERMISSION_ENUMS = {
    "BasePermissionEnum",
    "ChannelPermissions",
    "OrderPermissions",
    "ProductPermissions",
}


def check(*names: str):
    def register(fn):
        for name in names:
            CHECKS[name] = fn
        return fn

    return register


def binds(fn: Callable, *args, **kwargs) -> None:
    """``fn`` accepts these arguments (by position and by name) as the plugin
    passes them."""
    inspect.signature(fn).bind(*args, **kwargs)


def test_every_export_is_checked():
    assert set(CHECKS) == set(compat.__all__)


def test_no_other_module_imports_saleor_internals():
    # The import-linter contract (`make lint`) checks the same on the import
    # graph, module by module; this checks names too, so that a function of the
    # permission enums' module cannot slip through beside the enums.
    root = Path(saleor_amazon_feeds.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "saleor_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [(alias.name, set()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [(node.module or "", {alias.name for alias in node.names})]
            else:
                continue
            for module, names in modules:
                if module != "saleor" and not module.startswith("saleor."):
                    continue
                if module.endswith(".models"):
                    continue
                if module == "saleor.permission.enums" and names <= PERMISSION_ENUMS:
                    continue
                offenders.append(f"{path.relative_to(root)}:{node.lineno} {module}")
    assert offenders == []


@pytest.mark.parametrize("name", sorted(compat.__all__))
def test_export(name, request):
    fn = CHECKS[name]
    # A check's parameters name the pytest fixtures it needs.
    fn(*[request.getfixturevalue(f) for f in inspect.signature(fn).parameters])


# -- constants and classes ---------------------------------------------------------


@check("SALEOR_VERSION")
def _saleor_version():
    major, minor = (int(n) for n in compat.SALEOR_VERSION.split(".")[:2])
    assert (major, minor) >= (3, 23)


@check("AppType")
def _app_type():
    # Stored on the App; the dashboard needs a third-party app for its pages.
    assert compat.AppType.THIRDPARTY == "thirdparty"


@check("AttributeInputType")
def _attribute_input_type():
    for name in (
        "BOOLEAN",
        "DATE",
        "DATE_TIME",
        "FILE",
        "NUMERIC",
        "PLAIN_TEXT",
        "RICH_TEXT",
    ):
        assert isinstance(getattr(compat.AttributeInputType, name), str)


@check("JobStatus")
def _job_status():
    assert (
        compat.JobStatus.PENDING,
        compat.JobStatus.SUCCESS,
        compat.JobStatus.FAILED,
    ) == ("pending", "success", "failed")
    # The import job is Saleor's Job, with its status field and default.
    assert issubclass(AmazonOrderImportJob, Job)
    field = AmazonOrderImportJob._meta.get_field("status")
    assert field.default == compat.JobStatus.PENDING
    assert {value for value, _ in field.choices} >= {
        compat.JobStatus.PENDING,
        compat.JobStatus.SUCCESS,
        compat.JobStatus.FAILED,
    }


@check("OrderStatus")
def _order_status():
    for name in ("UNCONFIRMED", "UNFULFILLED", "DRAFT", "CANCELED"):
        assert isinstance(getattr(compat.OrderStatus, name), str)


@check("ProductMediaTypes")
def _product_media_types():
    assert compat.ProductMediaTypes.IMAGE == "IMAGE"


@check("WebhookEventAsyncType")
def _webhook_event_types():
    events = compat.WebhookEventAsyncType
    for name in (
        "PRODUCT_VARIANT_STOCK_UPDATED",
        "PRODUCT_VARIANT_OUT_OF_STOCK",
        "PRODUCT_VARIANT_BACK_IN_STOCK",
    ):
        assert getattr(events, name) == name.lower()


@check("SaleorContext")
def _saleor_context():
    context = compat.SaleorContext(dataloaders={})
    assert isinstance(context, HttpRequest)
    assert context.dataloaders == {}


@check("OrderLineInfo")
def _order_line_info():
    info = compat.OrderLineInfo(line=None, quantity=2, variant=None)
    assert info.quantity == 2


@check("InsufficientStock")
def _insufficient_stock():
    item = InsufficientStockData(available_quantity=0, order_line=None)
    exc = compat.InsufficientStock([item])
    # The plugin reads which order lines were refused.
    assert [i.order_line for i in exc.items] == [None]


@check("PermissionDenied")
def _permission_denied():
    exc = compat.PermissionDenied(permissions=[OrderPermissions.MANAGE_ORDERS])
    assert "MANAGE_ORDERS" in str(exc)
    assert exc.permissions == [OrderPermissions.MANAGE_ORDERS]


@check("BasePlugin")
def _base_plugin():
    assert issubclass(AmazonFeedsPlugin, compat.BasePlugin)
    hooks = [
        name
        for name, value in vars(AmazonFeedsPlugin).items()
        if inspect.isfunction(value) and not name.startswith("_")
    ]
    assert {"webhook", "product_created", "fulfillment_created"} <= set(hooks)
    for name in hooks:
        # Saleor still declares the hook and its manager still calls it.
        assert name in compat.BasePlugin.__annotations__, name
        assert inspect.isfunction(getattr(PluginsManager, name, None)), name
    binds(
        compat.BasePlugin.save_plugin_configuration.__func__,
        AmazonFeedsPlugin,
        plugin_configuration=None,
        cleaned_data={},
    )
    for attribute in ("PLUGIN_ID", "PLUGIN_NAME", "CONFIGURATION_PER_CHANNEL"):
        assert hasattr(compat.BasePlugin, attribute)


# -- functions -----------------------------------------------------------------------


@check("allow_writer")
def _allow_writer():
    @compat.allow_writer()
    def task():
        return "ran"

    assert task() == "ran"


@check("build_absolute_uri")
def _build_absolute_uri(settings):
    settings.PUBLIC_URL = "https://shop.example.com"
    assert compat.build_absolute_uri("/plugins/x/") == (
        "https://shop.example.com/plugins/x/"
    )


@check("celery_app")
def _celery_app():
    import saleor_amazon_feeds.tasks  # noqa: F401  (registers the tasks)

    assert callable(compat.celery_app.task)
    assert isinstance(compat.celery_app.conf.task_always_eager, bool)
    # Beat names tasks by string (``schedule``): each must be a real task.
    for entry in PERIODIC_TASKS.values():
        assert entry["task"] in compat.celery_app.tasks, entry["task"]


@check("get_permissions")
def _get_permissions():
    permissions = compat.get_permissions(
        [p.value for p in (OrderPermissions.MANAGE_ORDERS,)]
    )
    assert [p.codename for p in permissions] == ["manage_orders"]


@check("has_one_of_permissions", "get_user_or_app_from_context")
def _permissions_of_a_requestor():
    app = get_or_create_plugin_app()
    context = compat.saleor_request(app)
    requestor = compat.get_user_or_app_from_context(context)
    assert requestor == app
    assert compat.has_one_of_permissions(requestor, (OrderPermissions.MANAGE_ORDERS,))
    stranger = App.objects.create(name="No permissions", is_active=True)
    assert not compat.has_one_of_permissions(
        stranger, (ProductPermissions.MANAGE_PRODUCTS,)
    )


@check("message_one_of_permissions_required")
def _permission_message():
    message = compat.message_one_of_permissions_required(
        (OrderPermissions.MANAGE_ORDERS, ProductPermissions.MANAGE_PRODUCTS)
    )
    assert "MANAGE_ORDERS, MANAGE_PRODUCTS" in message


@check("get_context_value")
def _get_context_value():
    request = HttpRequest()
    request.dataloaders = {}
    request.allow_replica = False
    context = compat.get_context_value(request)
    # No token: no user, and the request time the dataloaders rely on.
    assert not context.user
    assert context.request_time is not None


@check("get_app_promise")
def _get_app_promise():
    app = get_or_create_plugin_app()
    context = compat.SaleorContext(dataloaders={})
    context.app = app
    assert compat.get_app_promise(context).get() == app


@check("saleor_request")
def _saleor_request(settings):
    settings.PUBLIC_URL = "https://shop.example.com"
    app = get_or_create_plugin_app()
    request = compat.saleor_request(app)
    assert (request.method, request.path, request.app) == ("POST", "/graphql/", app)
    # The shop's host, as Saleor's own requests without HTTP have it.
    assert str(request.META["SERVER_NAME"]) == "shop.example.com"
    assert not request.user


@check("execute_saleor_graphql")
def _execute_saleor_graphql():
    app = get_or_create_plugin_app()
    # Saleor's `app` query without an id answers the requesting app.
    data = compat.execute_saleor_graphql("{ app { name } }", app=app)
    assert data == {"app": {"name": app.name}}
    with pytest.raises(RuntimeError, match="Saleor GraphQL error"):
        compat.execute_saleor_graphql("{ noSuchField }", {}, app=app)


@check("get_jwt_manager")
def _get_jwt_manager():
    jwks = compat.get_jwt_manager().get_jwks()
    assert jwks["keys"]


@check("get_plugins_manager")
def _get_plugins_manager():
    manager = compat.get_plugins_manager(allow_replica=False)
    assert isinstance(manager, PluginsManager)


@check("validate_query")
def _validate_query():
    class Query(graphene.ObjectType):
        ping = graphene.String()

    schema = graphene.Schema(query=Query)
    cost, errors = compat.validate_query(
        schema=schema,
        document_ast=parse("{ ping }"),
        variables={},
        cost_map={"Query": {"ping": {"complexity": 1}}},
    )
    assert cost == 1
    assert not errors


@check("update_private_metadata")
def _update_private_metadata(product):
    product.store_value_in_private_metadata({"other": "kept"})
    product.save(update_fields=["private_metadata"])
    compat.update_private_metadata(product, {"amazon_feeds.options": "{}"})
    product.refresh_from_db()
    assert product.private_metadata == {"other": "kept", "amazon_feeds.options": "{}"}


@check("stock_qs_select_for_update")
def _stock_qs_select_for_update():
    queryset = compat.stock_qs_select_for_update()
    assert queryset.model is Stock
    # The plugin reads availability the way Saleor's allocation does.
    assert callable(queryset.annotate_available_quantity)


@check("get_order_lines_with_track_inventory")
def _get_order_lines_with_track_inventory():
    assert compat.get_order_lines_with_track_inventory([]) == []


@check("allocate_stocks")
def _allocate_stocks():
    # orders/allocation.py's call (exercised by test_orders_allocation).
    binds(
        compat.allocate_stocks,
        [],
        "DE",
        None,
        None,
        None,
        calculate_stocks_with_shipping_zones=False,
        additional_filter_lookup={"warehouse_id__in": []},
        check_reservations=False,
    )


@check("cancel_order")
def _cancel_order():
    # orders/cancellation.py's call (exercised by test_orders_import).
    binds(compat.cancel_order, None, None, None, None, None)
    parameters = list(inspect.signature(compat.cancel_order).parameters)
    assert parameters[:5] == ["order", "user", "app", "manager", "site_settings"]
