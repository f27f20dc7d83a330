import { Box } from "@saleor/macaw-ui";
import { useState } from "react";

import { HeldOrdersList } from "./HeldOrdersList";
import { ImportOrdersPanel } from "./ImportOrdersPanel";

export function OrdersTab() {
  const [refreshKey, setRefreshKey] = useState(0);
  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <ImportOrdersPanel onFinished={() => setRefreshKey((k) => k + 1)} />
      <HeldOrdersList refreshKey={refreshKey} />
    </Box>
  );
}
