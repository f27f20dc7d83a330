import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { ConfigureMarketplaceForm } from "./ConfigureMarketplaceForm";
import type { SubmittedFeeds } from "./FeedSubmissionsList";
import { FeedsTab } from "./FeedsTab";
import { MarketplaceDetails } from "./MarketplaceDetails";
import { MarketplacesList } from "./MarketplacesList";
import { OrdersTab } from "./OrdersTab";

type Tab = "marketplaces" | "feeds" | "orders";

type MarketplacesView = { kind: "list" } | { kind: "configure" } | { kind: "details"; id: string };

const TABS: ReadonlyArray<[Tab, string]> = [
  ["marketplaces", "Marketplaces"],
  ["feeds", "Feeds"],
  ["orders", "Orders"],
];

/** The "Amazon" page (NAVIGATION_CATALOG, APP_PAGE): X-Cart's "Sales channels -> Amazon". */
export function AmazonPage() {
  const [tab, setTab] = useState<Tab>("marketplaces");
  const [view, setView] = useState<MarketplacesView>({ kind: "list" });
  // The latest "Submit feeds", kept across tabs: the Feeds tab follows its
  // submissions even when it is left and opened again meanwhile.
  const [submitted, setSubmitted] = useState<SubmittedFeeds | null>(null);

  return (
    <Box display="flex" flexDirection="column" gap={6} padding={6} __maxWidth="1200px" marginX="auto">
      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h1" size={8} fontWeight="bold">
          Amazon
        </Text>
        <Text size={3} color="default2">
          Sell your catalog on Amazon marketplaces, keep it in sync and import Amazon orders.
        </Text>
      </Box>
      <Box role="tablist" aria-label="Amazon sections" display="flex" gap={2}>
        {TABS.map(([value, label]) => (
          <Button
            key={value}
            role="tab"
            aria-selected={tab === value}
            variant={tab === value ? "primary" : "tertiary"}
            onClick={() => {
              setTab(value);
              if (value === "marketplaces") setView({ kind: "list" });
            }}
          >
            {label}
          </Button>
        ))}
      </Box>
      <Box role="tabpanel">
        {tab === "marketplaces" && view.kind === "list" ? (
          <MarketplacesList
            onOpen={(id) => setView({ kind: "details", id })}
            onConfigure={() => setView({ kind: "configure" })}
          />
        ) : null}
        {tab === "marketplaces" && view.kind === "configure" ? (
          <ConfigureMarketplaceForm
            onDone={(id) => setView({ kind: "details", id })}
            onCancel={() => setView({ kind: "list" })}
          />
        ) : null}
        {tab === "marketplaces" && view.kind === "details" ? (
          <MarketplaceDetails id={view.id} onBack={() => setView({ kind: "list" })} />
        ) : null}
        {tab === "feeds" ? (
          <FeedsTab
            submitted={submitted}
            onSubmitted={(expected) => setSubmitted((last) => ({ key: (last?.key ?? 0) + 1, expected, at: Date.now() }))}
          />
        ) : null}
        {tab === "orders" ? <OrdersTab /> : null}
      </Box>
    </Box>
  );
}
