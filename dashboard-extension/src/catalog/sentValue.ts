/**
 * What the plugin sent to Amazon, as a merchant reads it. Listing attributes
 * are sent in Amazon's shape, a list of objects per attribute
 * (`[{"value": "Acme", "marketplace_id": "A1PA6795UKMFR9"}]`): their `value`s
 * are what matters. Anything else is shown as compact JSON.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** One attribute's value: "Acme", "100% cotton, Machine washable", "0.5 kilograms", or compact JSON. */
export function readableAmazonValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (isScalar(value)) return String(value);
  if (Array.isArray(value) && value.length > 0) {
    if (value.every(isScalar)) return value.map(String).join(", ");
    if (value.every((item) => isRecord(item) && "value" in item)) {
      return (value as Record<string, unknown>[])
        .map((item) => {
          const text = readableAmazonValue(item.value);
          return typeof item.unit === "string" ? `${text} ${item.unit}` : text;
        })
        .join(", ");
    }
  }
  return JSON.stringify(value as Json);
}

export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * An issue's `sentValue`: the attributes it names (`{"brand": [...]}`) or,
 * for INVENTORY and PRICES, the offer (`{"quantity": 4}`,
 * `{"price": "19.90", "currency": "EUR"}`). The attribute the issue names is
 * shown by its value alone; anything else as `name: value`, a price with its
 * currency.
 */
export function readableSentValue(sentValue: string | null | undefined, attribute = ""): string {
  const parsed = parseJson(sentValue);
  if (!isRecord(parsed)) return readableAmazonValue(parsed);
  const entries = Object.entries(parsed);
  if (entries.length === 0) return "—";
  const currency = typeof parsed.currency === "string" ? parsed.currency : null;
  const priced = currency !== null && ("price" in parsed || "listPrice" in parsed);
  const parts: string[] = [];
  for (const [key, value] of entries) {
    if (key === "currency" && priced) continue;
    const text = readableAmazonValue(value);
    const amount = priced && (key === "price" || key === "listPrice") ? `${text} ${currency}` : text;
    parts.push(entries.length === 1 && key === attribute ? amount : `${key}: ${amount}`);
  }
  return parts.join(" · ");
}

/** Long values (descriptions) are cut for the table; the full text goes in a tooltip. */
export function shorten(text: string, max = 240): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
