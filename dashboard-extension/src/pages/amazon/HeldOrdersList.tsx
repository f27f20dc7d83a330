import { Box, Button, Checkbox, Text } from "@saleor/macaw-ui";
import { RotateCw } from "lucide-react";
import { useEffect, useRef, useState } from "react";

import { useLazyQuery, useMutation, useQuery } from "../../api/hooks";
import { CheckboxField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { Section } from "../../components/Layout";
import { EmptyState, QueryView, ErrorNotice } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  ImportedOrdersDocument,
  RetryImportedOrdersDocument,
  type ImportedOrderRowFragment,
  type ImportedOrdersQuery,
} from "../../gql/plugin/graphql";

export const HELD_PAGE_SIZE = 50;

type Page = ImportedOrdersQuery["amazonImportedOrders"];

/** The rows of all pages read so far, each once (keyset pages do not overlap, but a row must never show twice). */
function rowsOf(pages: Page[]): ImportedOrderRowFragment[] {
  const byId = new Map<string, ImportedOrderRowFragment>();
  for (const page of pages) for (const edge of page.edges) if (edge?.node && !byId.has(edge.node.id)) byId.set(edge.node.id, edge.node);
  return [...byId.values()];
}

/** Amazon orders waiting for the merchant (unknown SKU, currency, address...), with a retry. */
export function HeldOrdersList({ refreshKey, pageSize = HELD_PAGE_SIZE }: { refreshKey: number; pageSize?: number }) {
  const { notify } = useDashboard();
  const held = useQuery(ImportedOrdersDocument, { status: "HELD", first: pageSize });
  // Pages after the first, read with "Load more"; dropped when the list starts over.
  const next = useLazyQuery(ImportedOrdersDocument);
  const [more, setMore] = useState<Page[]>([]);
  const generation = useRef(0);
  const retry = useMutation(RetryImportedOrdersDocument, (d) => d.amazonImportedOrderRetry);
  const [selected, setSelected] = useState<string[]>([]);
  const [skipAddressValidation, setSkipAddressValidation] = useState(false);
  const [outcomes, setOutcomes] = useState<Record<string, ImportedOrderRowFragment>>({});

  useEffect(() => {
    if (!refreshKey) return;
    // Only when an import finished: start again from the first page.
    generation.current += 1;
    setMore([]);
    void held.refetch();
  }, [refreshKey]);

  const lastPage = more.length ? more[more.length - 1] : held.data?.amazonImportedOrders;
  const cursor = lastPage?.pageInfo.hasNextPage ? lastPage.pageInfo.endCursor : null;
  const loadMore = async () => {
    if (!cursor) return;
    const started = generation.current;
    const data = await next.run({ status: "HELD", first: pageSize, after: cursor });
    if (data && started === generation.current) setMore((pages) => [...pages, data.amazonImportedOrders]);
  };

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
          const rows = rowsOf([data.amazonImportedOrders, ...more]);
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
              {next.error ? <ErrorNotice error={next.error} onRetry={() => void loadMore()} /> : null}
              {cursor ? (
                <Box>
                  <Button variant="tertiary" onClick={() => void loadMore()} disabled={next.loading}>
                    {next.loading ? "Loading…" : "Load more"}
                  </Button>
                </Box>
              ) : null}
            </>
          );
        }}
      </QueryView>
      <FormErrors errors={retry.fieldErrors} placed={[]} />
      {retry.error ? <ErrorNotice error={retry.error} /> : null}
    </Section>
  );
}
