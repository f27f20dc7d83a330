import { Box, Text } from "@saleor/macaw-ui";
import { useRef } from "react";

import { useQuery } from "../../api/hooks";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { KeyValue, StatusChip } from "../../components/Layout";
import { EmptyState, ErrorNotice, Loading } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useWidgetHeight } from "../../dashboard/useWidgetHeight";
import { OrderImportRecordDocument, ShipmentConfirmationsDocument } from "../../gql/plugin/graphql";
import { SaleorOrderAmazonRefsDocument } from "../../gql/saleor/graphql";

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
  // The plugin's record of importing this Saleor order: one request, by order.
  const record = useQuery(OrderImportRecordDocument, { orderId });
  const imported = record.data ? (record.data.amazonImportedOrders.edges.find((e) => e?.node)?.node ?? null) : undefined;
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <KeyValue label="Amazon order">{amazonOrderId}</KeyValue>
      {record.loading && !record.data ? <Loading label="Loading the import record…" /> : null}
      {record.error ? <ErrorNotice error={record.error} permission="MANAGE_ORDERS" what="Amazon import records" onRetry={() => void record.refetch()} /> : null}
      {imported === null ? (
        <Text size={2} color="default2">
          No import record found for this order.
        </Text>
      ) : null}
      {imported ? (
        <>
          <KeyValue label="Marketplace">{marketplaceLabel(imported.marketplace)}</KeyValue>
          <KeyValue label="Fulfilment">{fulfilmentChannel(imported.fulfilledBy)}</KeyValue>
          <KeyValue label="Import">
            <Box display="flex" flexDirection="column" gap={1}>
              <Box display="flex" gap={2} alignItems="center">
                <StatusChip status={imported.status} />
                <Text size={2} color="default2">
                  Amazon: {imported.amazonStatus || "—"}
                </Text>
              </Box>
              {imported.reason ? (
                <Text size={2} color={imported.status === "HELD" ? "critical1" : "default2"}>
                  {imported.reason}
                </Text>
              ) : null}
              <Text size={1} color="default2">
                {imported.attempts} attempt{imported.attempts === 1 ? "" : "s"} · updated {formatDateTime(imported.updatedAt)}
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
