import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { errorFor } from "../../api/errors";
import { useMutation, useQuery } from "../../api/hooks";
import { Dialog } from "../../components/Dialog";
import { CheckboxGroup } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { formatDateTime, marketplaceLabel, relativeTime } from "../../components/format";
import { StatusChip } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/PageStates";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  SubmitFeedsDocument,
  SyncStatusesDocument,
  type AmazonFeedKind,
  type SyncStatusRowFragment,
} from "../../gql/plugin/graphql";

export const FEED_KINDS: { value: AmazonFeedKind; label: string }[] = [
  { value: "LISTINGS", label: "Listings (full product data)" },
  { value: "INVENTORY", label: "Inventory (quantities)" },
  { value: "PRICES", label: "Prices" },
  { value: "DELETIONS", label: "Deletions (products removed or excluded)" },
];

/** Why a submission would wait, in the merchant's words. */
export function quotaExplanation(status: SyncStatusRowFragment, now: number = Date.now()): string {
  const when = status.nextSubmissionAt
    ? `${formatDateTime(status.nextSubmissionAt)} (${relativeTime(status.nextSubmissionAt, now)})`
    : null;
  switch (status.waitingReason) {
    case "QUOTA":
      return `Amazon allows 5 listing feeds per 5 minutes per region and that quota is used up. The next submission is possible ${when ?? "shortly"}; feeds submitted now wait until then.`;
    case "SETTLING":
      return `Recent product edits are settling before automatic sync sends them${when ? `, at ${when}` : ""}. A manual submission is sent when the quota allows.`;
    case "ERROR":
      return `The last submission failed${status.lastError ? `: ${status.lastError}` : "."} It is retried${when ? ` ${when}` : " automatically"}.`;
    case "DISABLED":
      return `Automatic sync is off, so only manual submissions go to Amazon.${when ? ` Next submission possible ${when}.` : ""}`;
    default:
      return when ? `The next submission is possible ${when}.` : "Amazon can take a submission now.";
  }
}

/** The feed-kinds pop-up: which feeds to send, and Amazon's quota before sending. */
export function SubmitFeedsDialog({
  marketplaceIds,
  onClose,
  onSubmitted,
}: {
  marketplaceIds: string[];
  onClose(): void;
  /** With how many submissions the worker records at least (one per marketplace and feed kind). */
  onSubmitted(expected: number): void;
}) {
  const { notify } = useDashboard();
  // Fresh quota figures when the pop-up opens, not the list's older ones.
  const statuses = useQuery(SyncStatusesDocument, {});
  const submit = useMutation(SubmitFeedsDocument, (d) => d.amazonSubmitFeeds);
  const [kinds, setKinds] = useState<string[]>(["LISTINGS", "INVENTORY", "PRICES"]);
  const selected = (statuses.data?.amazonSyncStatus ?? []).filter((s) => marketplaceIds.includes(s.marketplace.id));

  const send = async () => {
    const outcome = await submit.mutate({ kinds: kinds as AmazonFeedKind[], marketplaceIds });
    if (outcome.ok) {
      const count = outcome.data.amazonSubmitFeeds?.marketplaces.length ?? marketplaceIds.length;
      notify({
        status: "success",
        title: "Feeds submitted",
        text: `${kinds.length} feed kind${kinds.length === 1 ? "" : "s"} queued for ${count} marketplace${count === 1 ? "" : "s"}. Follow them in Feed submissions.`,
      });
      onSubmitted(count * kinds.length);
      onClose();
    }
  };

  return (
    <Dialog
      title="Submit feeds"
      onClose={onClose}
      footer={
        <>
          <Button variant="tertiary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" onClick={() => void send()} disabled={kinds.length === 0 || submit.running}>
            {submit.running ? "Submitting…" : "Submit"}
          </Button>
        </>
      }
    >
      <CheckboxGroup legend="Feeds to send" options={FEED_KINDS} selected={kinds} onChange={setKinds} error={errorFor(submit.fieldErrors, "kinds")} />
      <Box display="flex" flexDirection="column" gap={3}>
        <Text size={4} fontWeight="medium">
          Amazon's quota
        </Text>
        {statuses.error ? <ErrorNotice error={statuses.error} onRetry={() => void statuses.refetch()} /> : null}
        {!statuses.data && !statuses.error ? <Loading label="Loading Amazon's quota…" /> : null}
        {selected.map((status) => (
          <Box key={status.marketplace.id} display="flex" flexDirection="column" gap={1} data-testid={`quota-${status.marketplace.id}`}>
            <Box display="flex" gap={2} alignItems="center">
              <Text size={3} fontWeight="medium">
                {marketplaceLabel(status.marketplace)}
              </Text>
              <StatusChip status={status.waitingReason} />
            </Box>
            <Text size={2} color={status.waitingReason === "ERROR" ? "critical1" : "default2"}>
              {quotaExplanation(status)}
            </Text>
          </Box>
        ))}
      </Box>
      <Box>
        <Text size={2} color="default2" role="note">
          Only what changed since Amazon last accepted it is sent.
        </Text>
      </Box>
      {errorFor(submit.fieldErrors, "marketplaceIds") ? (
        <Text size={2} color="critical1" role="alert">
          {errorFor(submit.fieldErrors, "marketplaceIds")}
        </Text>
      ) : null}
      <FormErrors errors={submit.fieldErrors} placed={["kinds", "marketplaceIds"]} />
      {submit.error ? <ErrorNotice error={submit.error} /> : null}
    </Dialog>
  );
}
