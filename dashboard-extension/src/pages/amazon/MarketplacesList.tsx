import { Box, Button, Text } from "@saleor/macaw-ui";
import { Plus } from "lucide-react";

import { deniedFields } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import { formatDateTime, marketplaceLabel, relativeTime } from "../../components/format";
import { KeyValue, Section, StatusChip } from "../../components/Layout";
import { EmptyState, PermissionNote, QueryView } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useLacksPermission } from "../../dashboard/permissions";
import { MarketplacesDocument, SyncStatusesDocument, type SyncStatusesQuery } from "../../gql/plugin/graphql";

type SyncStatus = SyncStatusesQuery["amazonSyncStatus"][number];

export const WAIT_REASONS: Record<string, string> = {
  IDLE: "Up to date",
  SETTLING: "Waiting for edits to settle",
  QUOTA: "Waiting for Amazon's feed quota",
  ERROR: "Stopped by an error",
  DISABLED: "Automatic sync is off",
};

export function SyncStatusSummary({ status }: { status: SyncStatus | undefined }) {
  if (!status) return <Text size={2} color="default2">—</Text>;
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Box display="flex" gap={2} alignItems="center">
        <StatusChip status={status.waitingReason} label={WAIT_REASONS[status.waitingReason] ?? status.waitingReason} />
      </Box>
      <Text size={2} color="default2">
        {status.pendingChanges} pending change{status.pendingChanges === 1 ? "" : "s"}
        {status.nextSubmissionAt ? ` · next submission ${relativeTime(status.nextSubmissionAt)}` : ""}
      </Text>
      {status.lastError ? (
        <Text size={2} color="critical1">
          {status.lastError}
        </Text>
      ) : null}
    </Box>
  );
}

/** Fields of a marketplace stricter than the list itself, and who may read them. */
export const MARKETPLACE_FIELD_PERMISSIONS = {
  account: ["MANAGE_CHANNELS"],
  lastError: ["MANAGE_CHANNELS"],
  checkedAt: ["MANAGE_CHANNELS"],
  warehouses: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  stockBuffer: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  maxQuantity: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  untrackedQuantity: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  handlingTime: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  autoSync: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  syncScope: ["MANAGE_CHANNELS", "MANAGE_PRODUCTS"],
  autoImportOrders: ["MANAGE_CHANNELS", "MANAGE_ORDERS"],
  fieldMappings: ["MANAGE_PRODUCTS"],
  shippingMappings: ["MANAGE_ORDERS"],
} as const;

export type MarketplaceField = keyof typeof MARKETPLACE_FIELD_PERMISSIONS;

/** Which groups of marketplace fields this token may not read: refused by the server, or known missing from the token. */
export function useHiddenMarketplaceFields(fieldErrors: Parameters<typeof deniedFields>[0]) {
  const lacks = useLacksPermission();
  const denied = deniedFields(fieldErrors);
  const hidden = (field: MarketplaceField) => denied.has(field) || MARKETPLACE_FIELD_PERMISSIONS[field].every(lacks);
  return {
    hidden,
    /** Account, Amazon's last error and check time: also what configuring and checking a marketplace needs. */
    channels: hidden("account") || hidden("lastError") || hidden("checkedAt"),
    stock: (["warehouses", "stockBuffer", "maxQuantity", "untrackedQuantity", "handlingTime"] as const).some(hidden),
    sync: hidden("autoSync") || hidden("syncScope"),
    orders: hidden("autoImportOrders"),
  };
}

export function MarketplacesList({ onOpen, onConfigure }: { onOpen(id: string): void; onConfigure(): void }) {
  const marketplaces = useQuery(MarketplacesDocument, {});
  // Sync status needs MANAGE_PRODUCTS; without it the column stays empty and a note says why.
  const sync = useQuery(SyncStatusesDocument, {});
  const syncFor = (id: string) => sync.data?.amazonSyncStatus.find((s) => s.marketplace.id === id);
  const hidden = useHiddenMarketplaceFields(marketplaces.fieldErrors);
  const notes = (
    <>
      {hidden.channels ? (
        <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.account} what="seller accounts and Amazon's credential checks, and configuring a marketplace," />
      ) : null}
      {hidden.sync ? <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.autoSync} what="how products are synced" /> : null}
      {hidden.orders ? <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.autoImportOrders} what="how orders are imported" /> : null}
      {sync.error?.kind === "permission" ? <PermissionNote permissions={["MANAGE_PRODUCTS"]} what="the sync status" /> : null}
    </>
  );

  return (
    <Section
      title="Marketplaces"
      description="Each marketplace sells one Saleor channel's catalog on Amazon."
      actions={
        <Button variant="primary" icon={<Plus size={16} />} onClick={onConfigure}>
          Configure new marketplace
        </Button>
      }
    >
      <QueryView query={marketplaces} permission="MANAGE_CHANNELS" what="Amazon marketplaces">
        {(data) => {
          const rows = data.amazonMarketplaces.edges.flatMap((e) => (e?.node ? [e.node] : []));
          if (!rows.length) {
            return (
              <>
                <EmptyState title="No Amazon marketplaces yet">
                  Configure a marketplace with your Amazon seller account to start selling.
                </EmptyState>
                {notes}
              </>
            );
          }
          return (
            <>
              <Table label="Marketplaces" head={["Marketplace", "Seller account", "Channel", "Status", "Products", "Orders", "Sync", ""]}>
                {rows.map((m) => (
                  <tr key={m.id}>
                    <Cell>
                      <KeyValue label={m.currency}>{marketplaceLabel(m)}</KeyValue>
                    </Cell>
                    <Cell>{m.account ? `${m.account.name || m.account.sellerId} (${m.account.region})` : "—"}</Cell>
                    <Cell>{m.channel.name}</Cell>
                    <Cell>
                      <Box display="flex" flexDirection="column" gap={1}>
                        <StatusChip status={m.status} />
                        {m.status === "ERROR" && m.lastError ? (
                          <Text size={2} color="critical1">
                            {m.lastError}
                          </Text>
                        ) : null}
                        {m.checkedAt ? (
                          <Text size={1} color="default2">
                            Checked {formatDateTime(m.checkedAt)}
                          </Text>
                        ) : null}
                      </Box>
                    </Cell>
                    <Cell>
                      {m.autoSync === null ? "—" : `${m.autoSync ? "Automatic sync" : "Manual"} · ${m.syncScope === "INVENTORY" ? "inventory and prices" : "full listings"}`}
                    </Cell>
                    <Cell>{m.autoImportOrders === null ? "—" : m.autoImportOrders ? "Imported automatically" : "Manual import"}</Cell>
                    <Cell>
                      <SyncStatusSummary status={syncFor(m.id)} />
                    </Cell>
                    <Cell>
                      <Button variant="secondary" size="small" onClick={() => onOpen(m.id)} aria-label={`Open ${marketplaceLabel(m)}`}>
                        Open
                      </Button>
                    </Cell>
                  </tr>
                ))}
              </Table>
              {notes}
            </>
          );
        }}
      </QueryView>
    </Section>
  );
}
