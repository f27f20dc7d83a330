import "@saleor/macaw-ui/style";

import { AppBridge } from "@saleor/app-sdk/app-bridge";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { ExtensionRoot } from "./ExtensionRoot";
import { readPageParams } from "./pageParams";
import { routeFor } from "./routes";

const params = readPageParams(window.location.search);
const bridge = new AppBridge({ initialTheme: params.theme });
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ExtensionRoot bridge={bridge} params={params} route={routeFor(window.location.pathname)} />
    </StrictMode>,
  );
}
