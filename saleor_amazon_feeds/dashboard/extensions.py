"""The extensions the plugin's App registers in the Saleor dashboard.

Facts this table follows (verified against Saleor 3.23 and its dashboard, see
the README's Dashboard section):

- mount and target are stored lowercase: Saleor's ``appExtensions`` filter
  lowercases its input, so an uppercase value is never found;
- an extension's token is issued only to a user holding all its permissions
  and carries exactly those, so each extension asks for the least its page
  needs;
- APP_PAGE and WIDGET URLs are relative (the dashboard prefixes the App's
  ``appUrl``); a POPUP URL must be absolute because Saleor joins a relative one
  with ``urljoin``, which drops the last segment of ``appUrl``;
- widgets are GET widgets: a POST widget gets its token in a form body with
  no handshake, which a static page cannot read.
"""

from dataclasses import dataclass, field
from typing import Any

from saleor.permission.enums import (
    BasePermissionEnum,
    OrderPermissions,
    ProductPermissions,
)

GET_WIDGET: dict[str, Any] = {"widgetTarget": {"method": "GET"}}


@dataclass(frozen=True)
class Extension:
    identifier: str
    label: str
    # The page under the dashboard folder (``dashboard/<page>``); the frontend
    # picks what to render from the end of the URL path.
    page: str
    mount: str
    target: str
    permissions: tuple[BasePermissionEnum, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def absolute_url(self) -> bool:
        return self.target == "popup"

    @property
    def http_target_method(self) -> str | None:
        # Saleor's installer mirrors the widget's method into this column.
        return (self.settings.get("widgetTarget") or {}).get("method")


EXTENSIONS: tuple[Extension, ...] = (
    # No permission: every staff member sees the menu entry. The page's token
    # is the App's, narrowed to the user's permissions, and each tab needs one
    # of MANAGE_CHANNELS / MANAGE_PRODUCTS / MANAGE_ORDERS; a user with none of
    # them gets a message saying so rather than a missing menu entry.
    Extension(
        identifier="amazon-page",
        label="Amazon",
        page="app",
        mount="navigation_catalog",
        target="app_page",
    ),
    Extension(
        identifier="amazon-product-widget",
        label="Amazon",
        page="widgets/product",
        mount="product_details_widgets",
        target="widget",
        permissions=(ProductPermissions.MANAGE_PRODUCTS,),
        settings=GET_WIDGET,
    ),
    # The category page has no widget mount in Saleor 3.23's dashboard: the
    # options open from the "more actions" menu as a popup.
    Extension(
        identifier="amazon-category-options",
        label="Amazon options",
        page="popups/category",
        mount="category_details_more_actions",
        target="popup",
        permissions=(ProductPermissions.MANAGE_PRODUCTS,),
    ),
    Extension(
        identifier="amazon-order-widget",
        label="Amazon order",
        page="widgets/order",
        mount="order_details_widgets",
        target="widget",
        permissions=(OrderPermissions.MANAGE_ORDERS,),
        settings=GET_WIDGET,
    ),
)

# Paths under ``dashboard/`` that answer with the frontend's index.html.
PAGES: frozenset[str] = frozenset(extension.page for extension in EXTENSIONS)
