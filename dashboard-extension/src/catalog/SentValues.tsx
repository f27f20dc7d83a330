import { Box, Text } from "@saleor/macaw-ui";

import { Cell, Table } from "../components/Table";

type Issue = { code: string; severity: string; message: string; attribute: string };

// Amazon names the attribute it complains about; the plugin's summary of what
// it sent names some of them differently.
const SUMMARY_KEY_FOR_ATTRIBUTE: Record<string, string> = {
  purchasable_offer: "price",
  fulfillment_availability: "quantity",
  list_price: "listPrice",
};

type Row = { key: string; value: string };

function rowsFrom(summary: unknown): Row[] {
  if (!summary || typeof summary !== "object") return [];
  const rows: Row[] = [];
  for (const [key, value] of Object.entries(summary as Record<string, unknown>)) {
    if (key === "attributes" && Array.isArray(value)) {
      // Listings record which attributes were sent, not their values.
      for (const name of value) rows.push({ key: String(name), value: "sent" });
    } else if (key === "attributes" && value && typeof value === "object") {
      for (const [name, v] of Object.entries(value)) rows.push({ key: name, value: typeof v === "string" ? v : JSON.stringify(v) });
    } else {
      rows.push({ key, value: typeof value === "string" ? value : JSON.stringify(value) });
    }
  }
  return rows;
}

export function parseSummary(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** What was sent for one SKU, with Amazon's issues next to the value they are about. */
export function SentValuesWithIssues({ sentValues, issues, label }: { sentValues: string; issues: Issue[]; label: string }) {
  const rows = rowsFrom(parseSummary(sentValues));
  const rowKeyOf = (issue: Issue) => SUMMARY_KEY_FOR_ATTRIBUTE[issue.attribute] ?? issue.attribute;
  const placed = new Set(rows.map((r) => r.key));
  const unplaced = issues.filter((issue) => !issue.attribute || !placed.has(rowKeyOf(issue)));
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      {rows.length ? (
        <Table label={label} head={["Sent", "Value", "Amazon says"]}>
          {rows.map((row) => {
            const rowIssues = issues.filter((issue) => issue.attribute && rowKeyOf(issue) === row.key);
            return (
              <tr key={row.key}>
                <Cell>
                  <Text size={2} fontFamily="Geist Mono">
                    {row.key}
                  </Text>
                </Cell>
                <Cell>{row.value}</Cell>
                <Cell>
                  {rowIssues.map((issue, index) => (
                    <Text key={index} size={2} color={issue.severity.toUpperCase() === "ERROR" ? "critical1" : "warning1"} display="block">
                      {issue.code ? `${issue.code}: ` : ""}
                      {issue.message}
                    </Text>
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
        <Text key={index} size={2} color={issue.severity.toUpperCase() === "ERROR" ? "critical1" : "warning1"}>
          {issue.attribute ? `${issue.attribute}: ` : ""}
          {issue.code ? `${issue.code}: ` : ""}
          {issue.message}
        </Text>
      ))}
    </Box>
  );
}
