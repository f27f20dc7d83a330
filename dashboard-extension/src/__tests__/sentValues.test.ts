import { rowsFrom } from "../catalog/SentValues";
import { readableAmazonValue, readableSentValue, shorten } from "../catalog/sentValue";

const MP = "A1PA6795UKMFR9";

describe("what was sent, as a merchant reads it", () => {
  it("shows the values of Amazon's attribute arrays", () => {
    expect(readableAmazonValue([{ value: "Acme", marketplace_id: MP }])).toBe("Acme");
    expect(readableAmazonValue([{ value: "Soft", language_tag: "de_DE", marketplace_id: MP }, { value: "Warm", language_tag: "de_DE", marketplace_id: MP }])).toBe("Soft, Warm");
    expect(readableAmazonValue([{ value: 0.5, unit: "kilograms", marketplace_id: MP }])).toBe("0.5 kilograms");
    expect(readableAmazonValue(["a", 2, true])).toBe("a, 2, true");
    expect(readableAmazonValue(7)).toBe("7");
    expect(readableAmazonValue(null)).toBe("—");
  });

  it("falls back to compact JSON for anything else", () => {
    expect(readableAmazonValue([{ currency: "EUR", our_price: [{ schedule: [{ value_with_tax: 19.9 }] }] }])).toBe(
      '[{"currency":"EUR","our_price":[{"schedule":[{"value_with_tax":19.9}]}]}]',
    );
    expect(readableAmazonValue([])).toBe("[]");
    expect(readableAmazonValue({ a: 1 })).toBe('{"a":1}');
  });

  it("reads an issue's sentValue: the named attribute by its value, an offer by its fields", () => {
    expect(readableSentValue(JSON.stringify({ brand: [{ value: "Acme", marketplace_id: MP }] }), "brand")).toBe("Acme");
    expect(readableSentValue(JSON.stringify({ brand: [{ value: "Acme" }], item_name: [{ value: "Mug" }] }), "brand, item_name")).toBe("brand: Acme · item_name: Mug");
    expect(readableSentValue(JSON.stringify({ quantity: 4 }), "fulfillment_availability")).toBe("quantity: 4");
    expect(readableSentValue(JSON.stringify({ price: "19.90", currency: "EUR" }), "purchasable_offer")).toBe("price: 19.90 EUR");
    expect(readableSentValue(JSON.stringify({ price: "19.90", currency: "EUR", listPrice: "24.90" }), "")).toBe("price: 19.90 EUR · listPrice: 24.90 EUR");
    expect(readableSentValue(null, "brand")).toBe("—");
    expect(readableSentValue("{}", "brand")).toBe("—");
    expect(readableSentValue("not json", "brand")).toBe("not json");
  });

  it("cuts long values", () => {
    expect(shorten("x".repeat(300))).toHaveLength(240);
    expect(shorten("x".repeat(300)).endsWith("…")).toBe(true);
    expect(shorten("short")).toBe("short");
  });
});

describe("rows of a SKU's sent summary", () => {
  it("lists a listing's attributes with their values, then the offer", () => {
    const summary = {
      quantity: 7,
      price: "19.99",
      values: {
        brand: [{ value: "Acme", marketplace_id: MP }],
        purchasable_offer: [{ currency: "EUR", our_price: [] }],
        fulfillment_availability: [{ fulfillment_channel_code: "DEFAULT", quantity: 7 }],
      },
      currency: "EUR",
      attributes: ["brand", "fulfillment_availability", "item_name", "purchasable_offer"],
      productType: "SHIRT",
      requirements: "LISTING",
    };
    expect(rowsFrom(summary)).toEqual([
      { key: "productType", value: "SHIRT" },
      { key: "requirements", value: "LISTING" },
      { key: "brand", value: "Acme" },
      // Named but without a recorded value.
      { key: "item_name", value: "sent" },
      { key: "price", value: "19.99" },
      { key: "currency", value: "EUR" },
      { key: "quantity", value: "7" },
    ]);
  });

  it("still reads summaries that name attributes without values", () => {
    expect(rowsFrom({ productType: "SHIRT", attributes: ["brand"], price: "1.00" })).toEqual([
      { key: "productType", value: "SHIRT" },
      { key: "brand", value: "sent" },
      { key: "price", value: "1.00" },
    ]);
    expect(rowsFrom({ quantity: 3 })).toEqual([{ key: "quantity", value: "3" }]);
    expect(rowsFrom(null)).toEqual([]);
  });
});
