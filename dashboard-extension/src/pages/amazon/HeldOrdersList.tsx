import { Box, Button, Checkbox, Text } from "@saleor/macaw-ui";
import { RotateCw } from "lucide-react";
import { useEffect, useState } from "react";

import { useMutation, useQuery } from "../../api/hooks";
import { CheckboxField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { Section } from "../../components/Layout";
import { EmptyState, QueryView, ErrorNotice } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useDashboard } from "../../dashboard/DashboardContext";
import { ImportedOrdersDocument, RetryImportedOrdersDocument, type ImportedOrderRowFragment } from "../../gql/plugin/graphql";

/** Amazon orders waiting for the merchant (unknown SKU, currency, address...), with a retry. */
export function HeldOrdersList({ refreshKey }: { refreshKey: number }) {
  const { notify } = useDashboard();
  const held = useQuery(ImportedOrdersDocument, { status: "HELD", first: 100 });
  const retry = useMutation(RetryImportedOrdersDocument, (d) => d.amazonImportedOrderRetry);
  const [selected, setSelected] = useState<string[]>([]);
  const [skipAddressValidation, setSkipAddressValidation] = useState(false);
  const [outcomes, setOutcomes] = useState<Record<string, ImportedOrderRowFragment>>({});

  useEffect(() => {
    if (refreshKey) void held.refetch();
    // Only when an import finished.
  }, [refreshKey]);

  const run = async (ids: string[]) => {
    const outcome = await retry.mutate({ ids, skipAddressValidation });
    const rows = outcome.data?.amazonImportedOrderRetry?.importedOrders ?? [];
    if (!outcome.ok) return;
    setOutcomes((map) => ({ ...map, ...Object.fromEntries(rows.map((r) => [r.id, r])) }));
    const imported = rows.filter((r) => r.status === "IMPORTED").length;
    const stillHeld = rows.filter((r) => r.status === "HELD").length;
    notify(
      stillHeld
        ? { status: "warning", title: "Some orders are still held", text: `${imported} imported, ${stillHeld} still held: see the reasons.` }
        : { status: "success", title: "Orders imported", text: `${imported} order${imported === 1 ? "" : "s"} imported.` },
    );
    setSelected([]);
  };

  return (
    <Section
      title="Held orders"
      description="Orders the import could not create yet. Fix the reason (a missing SKU, a stock record…) and retry."
      actions={
        <Button variant="secondary" icon={<RotateCw size={16} />} disabled={selected.length === 0 || retry.running} onClick={() => void run(selected)}>
          Retry selected{selected.length ? ` (${selected.length})` : ""}
        </Button>
      }
    >
      <QueryView query={held} permission="MANAGE_ORDERS" what="held Amazon orders">
        {(data) => {
          const rows = data.amazonImportedOrders.edges.flatMap((e) => (e?.node ? [e.node] : []));
          if (!rows.length) return <EmptyState title="No held orders">Every Amazon order was imported.</EmptyState>;
          return (
            <>
              <CheckboxField
                label="Skip address validation on retry"
                checked={skipAddressValidation}
                onChange={setSkipAddressValidation}
                description="For addresses Saleor rejects but the carrier can deliver to."
              />
              <Table label="Held orders" head={["", "Amazon order", "Marketplace", "Reason", "Amazon status", "Attempts", "Last try", ""]}>
                {rows.map((original) => {
                  const row = outcomes[original.id] ?? original;
                  return (
                    <tr key={row.id}>
                      <Cell>
                        <Checkbox
                          aria-label={`Select ${row.amazonOrderId}`}
                          checked={selected.includes(row.id)}
                          disabled={row.status !== "HELD"}
                          onCheckedChange={(state) => setSelected((ids) => (state === true ? [...ids, row.id] : ids.filter((x) => x !== row.id)))}
                        />
                      </Cell>
                      <Cell>{row.amazonOrderId}</Cell>
                      <Cell>{marketplaceLabel(row.marketplace)}</Cell>
                      <Cell>
                        {row.status === "HELD" ? (
                          <Text size={3} color="critical1">
                            {row.reason}
                          </Text>
                        ) : (
                          <Text size={3} color="success1">
                            {row.status === "IMPORTED" ? "Imported" : row.status}
                          </Text>
                        )}
                      </Cell>
                      <Cell>{row.amazonStatus}</Cell>
                      <Cell>{row.attempts}</Cell>
                      <Cell>{formatDateTime(row.updatedAt)}</Cell>
                      <Cell>
                        <Box>
                          <Button
                            variant="tertiary"
                            size="small"
                            aria-label={`Retry ${row.amazonOrderId}`}
                            disabled={row.status !== "HELD" || retry.running}
                            onClick={() => void run([row.id])}
                          >
                            Retry
                          </Button>
                        </Box>
                      </Cell>
                    </tr>
                  );
                })}
              </Table>
            </>
          );
        }}
      </QueryView>
      <FormErrors errors={retry.fieldErrors} placed={[]} />
      {retry.error ? <ErrorNotice error={retry.error} /> : null}
    </Section>
  );
}
