import "@saleor/macaw-ui/style";

import { AppBridge } from "@saleor/app-sdk/app-bridge";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { listenToDashboard } from "./dashboard/dashboardMessages";
import { ExtensionRoot } from "./ExtensionRoot";
import { readPageParams } from "./pageParams";
import { routeFor } from "./routes";

// First, before the AppBridge and before React renders: the dashboard's
// handshake may arrive at any moment from here on, and one without a token
// must neither be missed nor reach the SDK (see dashboardMessages.ts).
const messages = listenToDashboard();
const params = readPageParams(window.location.search);
const bridge = new AppBridge({ initialTheme: params.theme });
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ExtensionRoot bridge={bridge} messages={messages} params={params} route={routeFor(window.location.pathname)} />
    </StrictMode>,
  );
}
