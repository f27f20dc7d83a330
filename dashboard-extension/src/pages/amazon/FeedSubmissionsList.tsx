import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useRef, useState, type ReactNode } from "react";

import { useQuery } from "../../api/hooks";
import { Dialog } from "../../components/Dialog";
import { SelectField } from "../../components/Fields";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { KeyValue, Section, StatusChip } from "../../components/Layout";
import { EmptyState, ErrorNotice, Loading } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import {
  FeedSubmissionDocument,
  FeedSubmissionsDocument,
  type FeedSubmissionQuery,
  type FeedSubmissionRowFragment,
  type FeedSubmissionsQuery,
} from "../../gql/plugin/graphql";
import type { MarketplaceChoice } from "../../api/marketplaces";
import { readableSentValue, shorten } from "../../catalog/sentValue";

const PAGE_SIZE = 20;
export const SUBMISSIONS_POLL_MS = 5000;
/**
 * How long the list waits for a submit's submissions to be recorded. The
 * worker records one only when its whole document is built, kind after kind.
 */
export const SUBMIT_FOLLOW_MS = 120_000;
const OPEN_STATUSES = new Set(["PENDING", "UPLOADED", "IN_QUEUE", "IN_PROGRESS"]);
/** Issues read for "View details"; a report with more says it shows the first ones. */
export const DETAIL_ISSUES = 500;

/**
 * A submit the list follows: `key` tells one submit from the next, `expected`
 * is how many submissions it makes at least (one per marketplace and kind),
 * `at` when it was made (Date.now()).
 */
export type SubmittedFeeds = { key: number; expected: number; at: number };

type Issue = NonNullable<FeedSubmissionQuery["amazonFeedSubmission"]>["issues"][number];

export function groupBySku(issues: Issue[]): [string, Issue[]][] {
  const groups = new Map<string, Issue[]>();
  for (const issue of issues) {
    const key = issue.sku || "(whole feed)";
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  return [...groups.entries()];
}

function SentValue({ issue }: { issue: Issue }) {
  if (issue.sentValue === null) return <Text size={2} color="default2">—</Text>;
  const text = readableSentValue(issue.sentValue, issue.attribute);
  return (
    <Text size={2} fontFamily="Geist Mono" title={text.length > 240 ? text : undefined}>
      {shorten(text)}
    </Text>
  );
}

/** One submission read fresh by id, with Amazon's per-SKU issues and what was sent for each. */
function FeedSubmissionDetails({ row: listed, onClose }: { row: FeedSubmissionRowFragment; onClose(): void }) {
  const details = useQuery(FeedSubmissionDocument, { id: listed.id, issues: DETAIL_ISSUES });
  const submission = details.data?.amazonFeedSubmission;
  // The list's row until the fresh one arrives (its status may have moved on).
  const row = submission ?? listed;

  return (
    <Dialog title={`Feed submission ${listed.feedId || listed.id}`} onClose={onClose} width="900px">
      <Box display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(160px, 1fr))" gap={4}>
        <KeyValue label="Marketplace">{marketplaceLabel(row.marketplace)}</KeyValue>
        <KeyValue label="Feed">{`${row.kind} · ${row.trigger.toLowerCase()}`}</KeyValue>
        <KeyValue label="Status">
          <StatusChip status={row.status} />
        </KeyValue>
        <KeyValue label="Messages">{row.messageCount}</KeyValue>
        <KeyValue label="Accepted">{row.acceptedCount}</KeyValue>
        <KeyValue label="Invalid">{row.invalidCount}</KeyValue>
        <KeyValue label="Errors / warnings">{`${row.errorCount} / ${row.warningCount}`}</KeyValue>
        <KeyValue label="Left out">{row.skippedCount}</KeyValue>
        <KeyValue label="Submitted">{formatDateTime(row.submittedAt)}</KeyValue>
        <KeyValue label="Finished">{formatDateTime(row.finishedAt)}</KeyValue>
      </Box>
      {row.error ? (
        <Text size={3} color="critical1" role="alert">
          {row.error}
        </Text>
      ) : null}
      <Text size={4} fontWeight="medium">
        Issues per SKU
      </Text>
      {details.error ? <ErrorNotice error={details.error} onRetry={() => void details.refetch()} /> : null}
      {details.loading && !details.data ? <Loading label="Loading Amazon's processing report…" /> : null}
      {details.data && !submission ? <EmptyState title="This submission no longer exists">Close and reload the list.</EmptyState> : null}
      {submission && submission.issues.length === 0 ? <EmptyState title="Amazon reported no issues" /> : null}
      {submission && submission.issues.length >= DETAIL_ISSUES ? (
        <Text size={2} color="default2" role="note">
          Showing the first {DETAIL_ISSUES} issues of Amazon's report.
        </Text>
      ) : null}
      {submission && submission.issues.length > 0 ? (
        <Box display="flex" flexDirection="column" gap={4}>
          {groupBySku(submission.issues).map(([sku, issues]) => (
            <Box key={sku} as="section" aria-label={`SKU ${sku}`} display="flex" flexDirection="column" gap={2}>
              <Text size={3} fontWeight="bold" fontFamily="Geist Mono">
                {sku}
              </Text>
              <Table label={`Issues for ${sku}`} head={["Severity", "Code", "Attribute", "Message", "Sent value"]}>
                {issues.map((issue, index) => (
                  <tr key={index}>
                    <Cell>
                      <StatusChip status={issue.severity === "ERROR" ? "ERROR" : issue.severity === "WARNING" ? "QUOTA" : "NEW"} label={issue.severity} />
                    </Cell>
                    <Cell>{issue.code}</Cell>
                    <Cell>{issue.attribute || "—"}</Cell>
                    <Cell>{issue.message}</Cell>
                    <Cell>
                      <SentValue issue={issue} />
                    </Cell>
                  </tr>
                ))}
              </Table>
            </Box>
          ))}
        </Box>
      ) : null}
    </Dialog>
  );
}

function rowsOf(data: FeedSubmissionsQuery | undefined): FeedSubmissionRowFragment[] {
  return data?.amazonFeedSubmissions.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
}

/** A followed submit has fewer new rows on the page than it makes (unknown baseline: all of it). */
function awaitingFollowed(rows: FeedSubmissionRowFragment[], follow: SubmittedFeeds | null, known: Set<string> | null): boolean {
  if (follow === null) return false;
  const arrived = known ? rows.filter((r) => !known.has(r.id)).length : 0;
  return arrived < Math.min(follow.expected, PAGE_SIZE);
}

function SubmissionPage({
  marketplaceId,
  after,
  onView,
  onLoadMore,
  isLast,
  follow,
  onFollowed,
  pollEveryMs,
}: {
  marketplaceId: string | null;
  after: string | null;
  onView(row: FeedSubmissionRowFragment): void;
  onLoadMore(cursor: string): void;
  isLast: boolean;
  /** A submit whose submissions this (first) page waits for, or null. */
  follow: SubmittedFeeds | null;
  /** The followed submit's submissions are on the page. */
  onFollowed(): void;
  pollEveryMs: number;
}) {
  const [pollMs, setPollMs] = useState<number | undefined>(undefined);
  // The rows shown when a submit was made: what is not among them is new.
  // Unknown (the page had not loaded yet) means waiting the whole while.
  const [baseline, setBaseline] = useState<{ key: number; known: Set<string> | null } | null>(null);
  const known = follow && baseline?.key === follow.key ? baseline.known : null;
  // Open submissions are still at Amazon, and a submit's are not recorded
  // yet: keep polling until every one is shown and settled (DONE, FATAL…).
  // Asked of each answer as it arrives too, so no poll follows the one that settled it.
  const needsPolling = (data: FeedSubmissionsQuery | undefined) => {
    const shownRows = rowsOf(data);
    return shownRows.some((r) => OPEN_STATUSES.has(r.status)) || awaitingFollowed(shownRows, follow, known);
  };
  const page = useQuery(FeedSubmissionsDocument, { marketplaceId, first: PAGE_SIZE, after }, { pollMs, pollWhile: needsPolling });
  const rows = rowsOf(page.data);

  const shown = useRef<{ loaded: boolean; ids: string[] }>({ loaded: false, ids: [] });
  shown.current = { loaded: page.data !== undefined, ids: rows.map((r) => r.id) };
  useEffect(() => {
    if (!follow) return;
    setBaseline({ key: follow.key, known: shown.current.loaded ? new Set(shown.current.ids) : null });
    // Read at once (the worker may have been quick), then poll below.
    if (shown.current.loaded) void page.refetch();
    // Only when a new submit is followed.
  }, [follow?.key]);
  const awaiting = awaitingFollowed(rows, follow, known);
  useEffect(() => {
    if (follow && !awaiting) onFollowed();
  }, [follow, awaiting]);

  const polling = needsPolling(page.data);
  useEffect(() => setPollMs(polling ? pollEveryMs : undefined), [polling, pollEveryMs]);

  const fullRow = (content: ReactNode) => (
    <tr>
      <Cell colSpan={10}>{content}</Cell>
    </tr>
  );
  if (page.error) return fullRow(<ErrorNotice error={page.error} permission="MANAGE_PRODUCTS" what="feed submissions" onRetry={() => void page.refetch()} />);
  if (!page.data) return fullRow(<Loading label="Loading feed submissions…" />);
  if (!rows.length && after === null && awaiting) {
    return fullRow(
      <EmptyState title="Waiting for the submitted feeds">The list updates by itself once they are recorded.</EmptyState>,
    );
  }
  if (!rows.length && after === null) {
    return fullRow(<EmptyState title="No feed submissions yet">Submit feeds, or switch on automatic sync, to send your catalog to Amazon.</EmptyState>);
  }
  const pageInfo = page.data.amazonFeedSubmissions.pageInfo;
  return (
    <>
      {rows.map((row) => (
        <tr key={row.id}>
          <Cell>{formatDateTime(row.createdAt)}</Cell>
          <Cell>{marketplaceLabel(row.marketplace)}</Cell>
          <Cell>{`${row.kind} · ${row.trigger.toLowerCase()}`}</Cell>
          <Cell>
            <Box display="flex" flexDirection="column" gap={1}>
              <StatusChip status={row.status} />
              {row.error ? (
                <Text size={2} color="critical1">
                  {row.error}
                </Text>
              ) : null}
            </Box>
          </Cell>
          <Cell>{row.messageCount}</Cell>
          <Cell>{row.acceptedCount}</Cell>
          <Cell>{row.invalidCount}</Cell>
          <Cell>{`${row.errorCount} / ${row.warningCount}`}</Cell>
          <Cell>{row.skippedCount}</Cell>
          <Cell>
            <Button variant="secondary" size="small" onClick={() => onView(row)} aria-label={`View details of ${row.kind} feed ${row.feedId || row.id}`}>
              View details
            </Button>
          </Cell>
        </tr>
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <tr>
          <Cell colSpan={10}>
            <Button variant="tertiary" onClick={() => onLoadMore(pageInfo.endCursor as string)}>
              Load more
            </Button>
          </Cell>
        </tr>
      ) : null}
    </>
  );
}

/** Feed Submissions: status, counts and "View details" with Amazon's per-SKU issues. */
export function FeedSubmissionsList({
  marketplaces,
  submitted = null,
  pollMs = SUBMISSIONS_POLL_MS,
  followMs = SUBMIT_FOLLOW_MS,
}: {
  marketplaces: MarketplaceChoice[];
  /** The latest submit made on this page, whose submissions the list follows. */
  submitted?: SubmittedFeeds | null;
  pollMs?: number;
  followMs?: number;
}) {
  const [marketplaceId, setMarketplaceId] = useState<string | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [viewing, setViewing] = useState<FeedSubmissionRowFragment | null>(null);
  // Followed until its submissions show up, for followMs at most (the
  // worker may be down, or the filter hides them).
  const [follow, setFollow] = useState<SubmittedFeeds | null>(null);
  useEffect(() => {
    const left = submitted ? submitted.at + followMs - Date.now() : 0;
    if (!submitted || left <= 0) return;
    setFollow(submitted);
    const timer = window.setTimeout(() => setFollow((current) => (current === submitted ? null : current)), left);
    return () => window.clearTimeout(timer);
  }, [submitted, followMs]);

  return (
    <Section
      title="Feed submissions"
      description="Every feed sent to Amazon, manual or automatic, with Amazon's processing report."
      actions={
        <Box __minWidth="240px">
          <SelectField
            label="Marketplace"
            value={marketplaceId ?? ""}
            options={[{ label: "All marketplaces", value: "" }, ...marketplaces.map((m) => ({ label: marketplaceLabel(m), value: m.id }))]}
            onChange={(value) => {
              setMarketplaceId(value || null);
              setCursors([null]);
            }}
          />
        </Box>
      }
    >
      <Table label="Feed submissions" head={["Created", "Marketplace", "Feed", "Status", "Messages", "Accepted", "Invalid", "Errors / warnings", "Left out", ""]}>
        {cursors.map((after, index) => (
          <SubmissionPage
            key={`${marketplaceId ?? "all"}-${after ?? "first"}`}
            marketplaceId={marketplaceId}
            after={after}
            isLast={index === cursors.length - 1}
            onView={setViewing}
            onLoadMore={(cursor) => setCursors((list) => [...list, cursor])}
            follow={index === 0 ? follow : null}
            onFollowed={() => setFollow(null)}
            pollEveryMs={pollMs}
          />
        ))}
      </Table>
      {viewing ? <FeedSubmissionDetails key={viewing.id} row={viewing} onClose={() => setViewing(null)} /> : null}
    </Section>
  );
}
