import { Box, ThemeProvider } from "@saleor/macaw-ui";

import { AccessGate } from "./components/AccessGate";
import { Notice } from "./components/PageStates";
import type { DashboardBridge } from "./dashboard/bridge";
import { DashboardProvider } from "./dashboard/DashboardContext";
import type { DashboardMessages } from "./dashboard/dashboardMessages";
import { ThemeSync } from "./dashboard/ThemeSync";
import type { PageParams } from "./pageParams";
import { AmazonPage } from "./pages/amazon/AmazonPage";
import { CategoryOptionsPopup } from "./pages/category/CategoryOptionsPopup";
import { OrderWidget } from "./pages/order/OrderWidget";
import { ProductWidget } from "./pages/product/ProductWidget";
import type { Route } from "./routes";

type Props = {
  bridge: DashboardBridge;
  messages: DashboardMessages;
  params: PageParams;
  route: Route;
  fetchImpl?: typeof fetch;
  base?: string;
  origin?: string;
  handshakeTimeoutMs?: number;
};

const REQUIRED: Record<Route, string> = {
  app: "Manage channels, Manage products or Manage orders",
  "product-widget": "Manage products",
  "category-popup": "Manage products",
  "order-widget": "Manage orders",
  unknown: "",
};

function MissingParam({ name }: { name: string }) {
  return (
    <Notice tone="critical" title="This extension was opened without its page">
      The dashboard did not pass `{name}`. Check the extension's mount in the plugin's App.
    </Notice>
  );
}

function RoutedPage({ route, params }: { route: Route; params: PageParams }) {
  switch (route) {
    case "app":
      return <AmazonPage />;
    case "product-widget":
      return params.productId ? <ProductWidget productId={params.productId} /> : <MissingParam name="productId" />;
    case "order-widget":
      return params.orderId ? <OrderWidget orderId={params.orderId} /> : <MissingParam name="orderId" />;
    case "category-popup":
      return params.categoryId ? (
        <CategoryOptionsPopup categoryId={params.categoryId} />
      ) : (
        <MissingParam name="categoryId" />
      );
    default:
      return (
        <Notice tone="critical" title="Unknown Amazon page">
          This address does not name an Amazon extension page (app, widgets/product, widgets/order,
          popups/category).
        </Notice>
      );
  }
}

export function ExtensionRoot({ bridge, messages, params, route, fetchImpl, base, origin, handshakeTimeoutMs }: Props) {
  return (
    <ThemeProvider defaultTheme={params.theme === "dark" ? "defaultDark" : "defaultLight"}>
      <DashboardProvider
        bridge={bridge}
        messages={messages}
        params={params}
        fetchImpl={fetchImpl}
        base={base}
        origin={origin}
        handshakeTimeoutMs={handshakeTimeoutMs}
      >
        <ThemeSync />
        <Box backgroundColor="default1" color="default1" __minHeight={route === "app" ? "100vh" : undefined}>
          <AccessGate permissions={REQUIRED[route]}>
            <RoutedPage route={route} params={params} />
          </AccessGate>
        </Box>
      </DashboardProvider>
    </ThemeProvider>
  );
}
