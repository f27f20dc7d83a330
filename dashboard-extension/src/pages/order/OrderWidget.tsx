import { Box, Text } from "@saleor/macaw-ui";
import { useEffect, useRef, useState } from "react";

import type { GraphQLClient, Result } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { KeyValue, StatusChip } from "../../components/Layout";
import { EmptyState, ErrorNotice, Loading } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useDashboard } from "../../dashboard/DashboardContext";
import { useWidgetHeight } from "../../dashboard/useWidgetHeight";
import { ImportedOrdersDocument, ShipmentConfirmationsDocument, type ImportedOrderRowFragment, type ImportedOrdersQuery } from "../../gql/plugin/graphql";
import { SaleorOrderAmazonRefsDocument } from "../../gql/saleor/graphql";

const SCAN_PAGE = 100;
const SCAN_PAGES = 5;

export function fulfilmentChannel(fulfilledBy: string): string {
  switch (fulfilledBy.toUpperCase()) {
    case "AFN":
    case "AMAZON":
      return "Fulfilled by Amazon (FBA)";
    case "MFN":
    case "MERCHANT":
      return "Fulfilled by the merchant";
    default:
      return fulfilledBy || "—";
  }
}

async function findImportRecord(client: GraphQLClient, orderId: string, amazonOrderId: string): Promise<ImportedOrderRowFragment | null> {
  let after: string | null = null;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const result: Result<ImportedOrdersQuery> = await client.request(ImportedOrdersDocument, { first: SCAN_PAGE, after });
    const connection = result.data.amazonImportedOrders;
    const rows = connection.edges.flatMap((e) => (e?.node ? [e.node] : []));
    const found = rows.find((r) => r.orderId === orderId) ?? rows.find((r) => r.amazonOrderId === amazonOrderId);
    if (found) return found;
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return null;
    after = connection.pageInfo.endCursor;
  }
  return null;
}

/**
 * The plugin's API cannot look an import record up by Saleor order yet, so
 * the record is found by its Amazon order id among the latest imports.
 */
function useImportRecord(orderId: string, amazonOrderId: string | null) {
  const { plugin } = useDashboard();
  const [state, setState] = useState<{ record?: ImportedOrderRowFragment | null; error?: ApiError; loading: boolean }>({ loading: true });
  useEffect(() => {
    if (!amazonOrderId) return;
    let cancelled = false;
    findImportRecord(plugin, orderId, amazonOrderId).then(
      (record) => !cancelled && setState({ record, loading: false }),
      (error: ApiError) => !cancelled && setState({ error, loading: false }),
    );
    return () => {
      cancelled = true;
    };
  }, [plugin, orderId, amazonOrderId]);
  return state;
}

function ShipmentConfirmations({ orderId }: { orderId: string }) {
  const shipments = useQuery(ShipmentConfirmationsDocument, { orderId });
  if (shipments.error) return <ErrorNotice error={shipments.error} permission="MANAGE_ORDERS" what="shipment confirmations" onRetry={() => void shipments.refetch()} />;
  if (!shipments.data) return <Loading label="Loading shipment confirmations…" />;
  const rows = shipments.data.amazonShipmentConfirmations;
  if (!rows.length) return <Text size={2} color="default2">No shipment confirmed to Amazon yet. Fulfil the order with a tracking number to confirm it.</Text>;
  return (
    <Table label="Shipment confirmations" head={["Package", "Carrier", "Tracking", "Status"]}>
      {rows.map((s) => (
        <tr key={s.id}>
          <Cell>{`#${s.packageReferenceId} · ${s.items.reduce((n, i) => n + i.quantity, 0)} items`}</Cell>
          <Cell>{s.carrierName || s.carrierCode}</Cell>
          <Cell>{s.trackingNumber}</Cell>
          <Cell>
            <Box display="flex" flexDirection="column" gap={1}>
              <StatusChip status={s.status} />
              {s.confirmedAt ? <Text size={1} color="default2">{formatDateTime(s.confirmedAt)}</Text> : null}
              {s.lastError ? (
                <Text size={2} color="critical1">
                  {s.lastError} {s.attempts > 1 ? `(${s.attempts} attempts)` : ""}
                </Text>
              ) : null}
            </Box>
          </Cell>
        </tr>
      ))}
    </Table>
  );
}

function AmazonOrderDetails({ orderId, amazonOrderId }: { orderId: string; amazonOrderId: string }) {
  const record = useImportRecord(orderId, amazonOrderId);
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <KeyValue label="Amazon order">{amazonOrderId}</KeyValue>
      {record.loading ? <Loading label="Loading the import record…" /> : null}
      {record.error ? <ErrorNotice error={record.error} permission="MANAGE_ORDERS" what="Amazon import records" /> : null}
      {record.record === null ? (
        <Text size={2} color="default2">
          No import record found among the latest imports.
        </Text>
      ) : null}
      {record.record ? (
        <>
          <KeyValue label="Marketplace">{marketplaceLabel(record.record.marketplace)}</KeyValue>
          <KeyValue label="Fulfilment">{fulfilmentChannel(record.record.fulfilledBy)}</KeyValue>
          <KeyValue label="Import">
            <Box display="flex" flexDirection="column" gap={1}>
              <Box display="flex" gap={2} alignItems="center">
                <StatusChip status={record.record.status} />
                <Text size={2} color="default2">
                  Amazon: {record.record.amazonStatus || "—"}
                </Text>
              </Box>
              {record.record.reason ? (
                <Text size={2} color={record.record.status === "HELD" ? "critical1" : "default2"}>
                  {record.record.reason}
                </Text>
              ) : null}
              <Text size={1} color="default2">
                {record.record.attempts} attempt{record.record.attempts === 1 ? "" : "s"} · updated {formatDateTime(record.record.updatedAt)}
              </Text>
            </Box>
          </KeyValue>
        </>
      ) : null}
      <Text size={4} fontWeight="bold">
        Shipments confirmed to Amazon
      </Text>
      <ShipmentConfirmations orderId={orderId} />
    </Box>
  );
}

/** The "Amazon order" card on an order page (ORDER_DETAILS_WIDGETS). */
export function OrderWidget({ orderId }: { orderId: string }) {
  const rootRef = useRef<HTMLDivElement>(null);
  useWidgetHeight(rootRef);
  const refs = useQuery(SaleorOrderAmazonRefsDocument, { id: orderId }, { api: "saleor" });
  const order = refs.data?.order;
  const amazonOrderId = order ? (order.amazonOrderId ?? null) : null;

  return (
    <Box ref={rootRef} display="flex" flexDirection="column" gap={3} padding={4}>
      <Text size={5} fontWeight="bold">
        Amazon order
      </Text>
      {refs.error ? <ErrorNotice error={refs.error} permission="MANAGE_ORDERS" what="this order" onRetry={() => void refs.refetch()} /> : null}
      {!refs.data && !refs.error ? <Loading label="Loading the order…" /> : null}
      {refs.data && !order ? <EmptyState title="Order not found" /> : null}
      {order && !amazonOrderId ? <EmptyState title="Not an Amazon order">This order was not imported from Amazon.</EmptyState> : null}
      {order && amazonOrderId ? <AmazonOrderDetails orderId={orderId} amazonOrderId={amazonOrderId} /> : null}
    </Box>
  );
}
