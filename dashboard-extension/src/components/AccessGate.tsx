import { Box } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { useDashboard } from "../dashboard/DashboardContext";
import { Loading, Notice } from "./PageStates";

/** Nothing renders against the API until the dashboard has handed over a token. */
export function AccessGate({ permissions, children }: { permissions: string; children: ReactNode }) {
  const { access } = useDashboard();
  if (access === "ready") return <>{children}</>;
  return (
    <Box padding={4}>
      {access === "waiting" ? (
        <Loading label="Connecting to the Saleor dashboard…" />
      ) : access === "outside-dashboard" ? (
        <Notice tone="info" title="Open this page from the Saleor dashboard">
          This Amazon page runs inside the Saleor dashboard, which signs you in. Open it from the dashboard's
          menu.
        </Notice>
      ) : (
        <Notice tone="warning" title="You don't have access to this">
          The dashboard did not give this page access. It needs the {permissions} permission; ask a Saleor
          administrator to grant it to your account, then reload.
        </Notice>
      )}
    </Box>
  );
}
