import { Box, Button, Text } from "@saleor/macaw-ui";
import { Download } from "lucide-react";
import { useEffect, useRef, useState } from "react";

import { errorFor } from "../../api/errors";
import { useMutation, useQuery } from "../../api/hooks";
import { useMarketplaceChoices } from "../../api/marketplaces";
import { CheckboxGroup } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { KeyValue, ProgressBar, Section, StatusChip } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  ImportOrdersDocument,
  OrderImportDocument,
  RecentOrderImportsDocument,
  type OrderImportProgressFragment,
} from "../../gql/plugin/graphql";

export const IMPORT_POLL_MS = 2000;
const RUNNING = new Set(["PENDING", "RUNNING"]);

function ImportProgress({ job }: { job: OrderImportProgressFragment }) {
  const handled = job.imported + job.updated + job.skipped + job.held;
  return (
    <Box display="flex" flexDirection="column" gap={3} aria-live="polite">
      <Box display="flex" gap={2} alignItems="center">
        <StatusChip status={job.status} />
        <Text size={2} color="default2">
          {job.marketplaces.map(marketplaceLabel).join(", ")} · started {formatDateTime(job.startedAt ?? job.createdAt)}
          {job.finishedAt ? ` · finished ${formatDateTime(job.finishedAt)}` : ""}
        </Text>
      </Box>
      {RUNNING.has(job.status) ? <ProgressBar label="Orders handled" value={handled} max={job.found} /> : null}
      <Box display="grid" __gridTemplateColumns="repeat(5, minmax(80px, 1fr))" gap={3}>
        <KeyValue label="Found">{job.found}</KeyValue>
        <KeyValue label="Imported">{job.imported}</KeyValue>
        <KeyValue label="Updated">{job.updated}</KeyValue>
        <KeyValue label="Skipped">{job.skipped}</KeyValue>
        <KeyValue label="Held">{job.held}</KeyValue>
      </Box>
      {job.errors.map((error, index) => (
        <Text key={index} size={2} color="critical1" role="alert">
          {error.marketplaceId}: {error.message}
        </Text>
      ))}
      {job.issues.length ? (
        <Table label="Import issues" head={["Amazon order", "Outcome", "Reason"]}>
          {job.issues.map((issue) => (
            <tr key={issue.amazonOrderId}>
              <Cell>{issue.amazonOrderId}</Cell>
              <Cell>
                <StatusChip status={issue.status} />
              </Cell>
              <Cell>{issue.reason}</Cell>
            </tr>
          ))}
        </Table>
      ) : null}
    </Box>
  );
}

/** "Import orders" -> Start, then the job's counters as they move (polled). */
export function ImportOrdersPanel({ onFinished, pollMs = IMPORT_POLL_MS }: { onFinished(): void; pollMs?: number }) {
  const { notify } = useDashboard();
  const { choices, error: choicesError } = useMarketplaceChoices();
  const recent = useQuery(RecentOrderImportsDocument, {});
  const start = useMutation(ImportOrdersDocument, (d) => d.amazonImportOrders);
  const [selected, setSelected] = useState<string[] | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [polling, setPolling] = useState(false);

  const announced = useRef<string | null>(null);

  // Show the latest import: follow it while it runs (it may have been started
  // automatically or in another tab); a finished one is shown, not announced.
  useEffect(() => {
    const jobs = recent.data?.amazonOrderImports.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
    const latest = jobs.find((job) => RUNNING.has(job.status)) ?? jobs[0];
    if (!latest || jobId) return;
    if (!RUNNING.has(latest.status)) announced.current = latest.id;
    setJobId(latest.id);
    setPolling(RUNNING.has(latest.status));
  }, [recent.data, jobId]);

  const job = useQuery(OrderImportDocument, { id: jobId ?? "" }, { skip: !jobId, pollMs: polling ? pollMs : undefined });
  const current = job.data?.amazonOrderImport ?? null;

  useEffect(() => {
    if (!current || RUNNING.has(current.status)) return;
    setPolling(false);
    if (announced.current === current.id) return;
    announced.current = current.id;
    notify(
      current.status === "SUCCESS"
        ? { status: "success", title: "Orders imported", text: `${current.imported} imported, ${current.updated} updated, ${current.held} held.` }
        : { status: "error", title: "Order import failed", text: current.errors.map((e) => e.message).join(" ") },
    );
    onFinished();
  }, [current, notify, onFinished]);

  const marketplaces = choices ?? [];
  const chosen = selected ?? marketplaces.filter((m) => m.status === "CONFIGURED").map((m) => m.id);

  const begin = async () => {
    const outcome = await start.mutate({ marketplaceIds: chosen });
    const started = outcome.data?.amazonImportOrders?.orderImport;
    if (outcome.ok && started) {
      announced.current = null;
      setJobId(started.id);
      setPolling(true);
    }
  };

  const busy = start.running || (current !== null && RUNNING.has(current.status));
  return (
    <Section
      title="Import orders"
      description="Fetch new and changed Amazon orders now, instead of waiting for the automatic import."
      actions={
        <Button variant="primary" icon={<Download size={16} />} onClick={() => void begin()} disabled={busy || chosen.length === 0}>
          {busy ? "Importing…" : "Start"}
        </Button>
      }
    >
      {choicesError ? <ErrorNotice error={choicesError} permission="MANAGE_ORDERS" what="the list of marketplaces" /> : null}
      {!choices && !choicesError ? <Loading label="Loading marketplaces…" /> : null}
      {choices ? (
        <CheckboxGroup
          legend="Marketplaces"
          options={marketplaces.map((m) => ({ label: marketplaceLabel(m), value: m.id }))}
          selected={chosen}
          onChange={setSelected}
          error={errorFor(start.fieldErrors, "marketplaceIds")}
          emptyText="No marketplaces configured yet."
        />
      ) : null}
      <FormErrors errors={start.fieldErrors} placed={["marketplaceIds"]} />
      {start.error ? <ErrorNotice error={start.error} permission="MANAGE_ORDERS" what="order imports" /> : null}
      {job.error ? <ErrorNotice error={job.error} onRetry={() => void job.refetch()} /> : null}
      {jobId && !current && !job.error ? <Loading label="Starting the import…" /> : null}
      {current ? <ImportProgress job={current} /> : null}
    </Section>
  );
}
