import { Box, Button, Checkbox, Text } from "@saleor/macaw-ui";
import { Send } from "lucide-react";
import { useState } from "react";

import { useQuery } from "../../api/hooks";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { Section, StatusChip } from "../../components/Layout";
import { EmptyState, QueryView } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { SyncStatusesDocument } from "../../gql/plugin/graphql";
import { FeedSubmissionsList, type SubmittedFeeds } from "./FeedSubmissionsList";
import { WAIT_REASONS } from "./MarketplacesList";
import { SubmitFeedsDialog } from "./SubmitFeedsDialog";

/** Sync status per marketplace, "Submit feeds" for the selected ones, and the submissions. */
export function FeedsTab({
  submitted,
  onSubmitted,
}: {
  /** The latest submit made on the page, whose submissions the list follows. */
  submitted: SubmittedFeeds | null;
  onSubmitted(expected: number): void;
}) {
  const statuses = useQuery(SyncStatusesDocument, {}, { pollMs: 30_000 });
  const [selected, setSelected] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const rows = statuses.data?.amazonSyncStatus ?? [];

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <Section
        title="Sync status"
        description="What automatic sync still has to send, and when Amazon's quota lets it."
        actions={
          <Button variant="primary" icon={<Send size={16} />} disabled={selected.length === 0} onClick={() => setSubmitting(true)}>
            Submit feeds{selected.length ? ` (${selected.length})` : ""}
          </Button>
        }
      >
        <QueryView query={statuses} permission="MANAGE_PRODUCTS" what="the sync status">
          {() =>
            rows.length === 0 ? (
              <EmptyState title="No marketplaces to sync">Configure a marketplace on the Marketplaces tab first.</EmptyState>
            ) : (
              <Table label="Sync status" head={["", "Marketplace", "Channel", "Pending changes", "Last submission", "Next submission", "Waiting", ""]}>
                {rows.map((status) => {
                  const id = status.marketplace.id;
                  return (
                    <tr key={id}>
                      <Cell>
                        <Checkbox
                          aria-label={`Select ${marketplaceLabel(status.marketplace)}`}
                          checked={selected.includes(id)}
                          onCheckedChange={(state) => setSelected((ids) => (state === true ? [...ids, id] : ids.filter((x) => x !== id)))}
                        />
                      </Cell>
                      <Cell>{marketplaceLabel(status.marketplace)}</Cell>
                      <Cell>{status.marketplace.channel.name}</Cell>
                      <Cell>{status.pendingChanges}</Cell>
                      <Cell>{formatDateTime(status.lastSubmissionAt)}</Cell>
                      <Cell>{formatDateTime(status.nextSubmissionAt)}</Cell>
                      <Cell>
                        <Box display="flex" flexDirection="column" gap={1}>
                          <StatusChip status={status.waitingReason} label={WAIT_REASONS[status.waitingReason] ?? status.waitingReason} />
                          {status.lastError ? (
                            <Text size={2} color="critical1">
                              {status.lastError}
                            </Text>
                          ) : null}
                        </Box>
                      </Cell>
                      <Cell>
                        <StatusChip status={status.marketplace.status} />
                      </Cell>
                    </tr>
                  );
                })}
              </Table>
            )
          }
        </QueryView>
      </Section>
      <FeedSubmissionsList marketplaces={rows.map((s) => s.marketplace)} submitted={submitted} />
      {submitting ? (
        <SubmitFeedsDialog
          marketplaceIds={selected}
          onClose={() => setSubmitting(false)}
          onSubmitted={(expected) => {
            onSubmitted(expected);
            void statuses.refetch();
          }}
        />
      ) : null}
    </Box>
  );
}
