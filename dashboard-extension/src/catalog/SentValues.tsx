import { Box, Text } from "@saleor/macaw-ui";

import { Cell, Table } from "../components/Table";
import { isRecord, parseJson, readableAmazonValue, shorten } from "./sentValue";

type Issue = { code: string; severity: string; message: string; attribute: string };

// Amazon names the offer attributes it complains about; the plugin's summary
// of what it sent keeps the offer as price, list price and quantity, which
// read better than Amazon's nested offer objects.
const SUMMARY_KEY_FOR_ATTRIBUTE: Record<string, string> = {
  purchasable_offer: "price",
  fulfillment_availability: "quantity",
  list_price: "listPrice",
};

// Rows in a stable order whatever order the stored JSON keeps its keys in:
// what the listing is, then its attributes, then the offer, then the rest.
const LEADING_KEYS = ["productType", "requirements", "parentage", "parentSku"];
const OFFER_KEYS = ["price", "listPrice", "currency", "quantity"];

type Row = { key: string; value: string };

function plain(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Rows of a SKU's sent summary. A listing's summary names its attributes
 * (`attributes`) and, since the plugin keeps them, their values as sent
 * (`values`); offers carry price, currency and quantity.
 */
export function rowsFrom(summary: unknown): Row[] {
  if (!isRecord(summary)) return [];
  const values = isRecord(summary.values) ? summary.values : isRecord(summary.attributes) ? summary.attributes : null;
  const names = Array.isArray(summary.attributes) ? summary.attributes.map(String) : [];
  for (const name of Object.keys(values ?? {})) if (!names.includes(name)) names.push(name);

  const rows: Row[] = [];
  for (const key of LEADING_KEYS) if (key in summary) rows.push({ key, value: plain(summary[key]) });
  for (const name of names) {
    // The offer is shown by its summary keys (price, quantity), not again as Amazon's objects.
    const offerKey = SUMMARY_KEY_FOR_ATTRIBUTE[name];
    if (offerKey && offerKey in summary) continue;
    rows.push({ key: name, value: values && name in values ? readableAmazonValue(values[name]) : "sent" });
  }
  const rest = Object.keys(summary).filter((key) => !LEADING_KEYS.includes(key) && key !== "attributes" && key !== "values");
  rest.sort((a, b) => rank(a) - rank(b));
  for (const key of rest) rows.push({ key, value: plain(summary[key]) });
  return rows;
}

function rank(key: string): number {
  const index = OFFER_KEYS.indexOf(key);
  return index === -1 ? OFFER_KEYS.length : index;
}

export function parseSummary(json: string): unknown {
  const parsed = parseJson(json);
  return isRecord(parsed) ? parsed : null;
}

/** The rows an issue belongs to: each attribute it names, an offer attribute by its summary key. */
function rowKeysOf(issue: Issue, rowKeys: Set<string>): string[] {
  return issue.attribute
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      const offerKey = SUMMARY_KEY_FOR_ATTRIBUTE[name];
      return offerKey && rowKeys.has(offerKey) ? offerKey : name;
    })
    .filter((key) => rowKeys.has(key));
}

function IssueText({ issue, withAttribute = false }: { issue: Issue; withAttribute?: boolean }) {
  return (
    <Text size={2} color={issue.severity.toUpperCase() === "ERROR" ? "critical1" : "warning1"} display="block">
      {withAttribute && issue.attribute ? `${issue.attribute}: ` : ""}
      {issue.code ? `${issue.code}: ` : ""}
      {issue.message}
    </Text>
  );
}

/** What was sent for one SKU, with Amazon's issues next to the value they are about. */
export function SentValuesWithIssues({ sentValues, issues, label }: { sentValues: string; issues: Issue[]; label: string }) {
  const rows = rowsFrom(parseSummary(sentValues));
  const rowKeys = new Set(rows.map((r) => r.key));
  const unplaced = issues.filter((issue) => rowKeysOf(issue, rowKeys).length === 0);
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      {rows.length ? (
        <Table label={label} head={["Sent", "Value", "Amazon says"]}>
          {rows.map((row) => {
            const rowIssues = issues.filter((issue) => rowKeysOf(issue, rowKeys).includes(row.key));
            return (
              <tr key={row.key}>
                <Cell>
                  <Text size={2} fontFamily="Geist Mono">
                    {row.key}
                  </Text>
                </Cell>
                <Cell>
                  <Text size={3} title={row.value.length > 240 ? row.value : undefined}>
                    {shorten(row.value)}
                  </Text>
                </Cell>
                <Cell>
                  {rowIssues.map((issue, index) => (
                    <IssueText key={index} issue={issue} />
                  ))}
                </Cell>
              </tr>
            );
          })}
        </Table>
      ) : (
        <Text size={2} color="default2">
          Nothing sent yet.
        </Text>
      )}
      {unplaced.map((issue, index) => (
        <IssueText key={index} issue={issue} withAttribute />
      ))}
    </Box>
  );
}
