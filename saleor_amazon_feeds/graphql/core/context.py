"""Who is calling: Saleor's own tokens, resolved the way Saleor's API does."""

from django.http import HttpRequest

from ...saleor_compat import (
    SaleorContext,
    get_app_promise,
    get_context_value,
    get_user_or_app_from_context,
)


def build_context(request: HttpRequest) -> SaleorContext:
    """Attach dataloaders, the app (app tokens) and the user (staff or extension JWT).

    Saleor only resolves app tokens on its own API path, so the app is loaded here
    first; `get_context_value` then leaves the user empty for app requests and
    authenticates JWTs (staff and dashboard-extension tokens) otherwise.
    """
    context: SaleorContext = request  # type: ignore[assignment]
    context.dataloaders = {}
    context.allow_replica = False
    context.app = get_app_promise(context).get()
    return get_context_value(context)


def requestor(context: SaleorContext):
    return get_user_or_app_from_context(context)
