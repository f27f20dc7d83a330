import { screen, within } from "@testing-library/react";

import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension } from "../test/render";

const ORDER = "T3JkZXI6MGYzZTZkMmEtN2MxYi00YjhlLTlhNTUtMmY3ZDFjOWU0YjEw";

function renderWidget(routes: Routes) {
  return renderExtension("order-widget", { query: `&orderId=${encodeURIComponent(ORDER)}`, routes });
}

describe("order widget", () => {
  it("shows the marketplace, Amazon order id, fulfilment, import record and shipments", async () => {
    const { api } = renderWidget({
      SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.amazon"),
      OrderImportRecord: fixture("OrderImportRecord.imported"),
      ShipmentConfirmations: fixture("ShipmentConfirmations.one"),
    });
    expect(await screen.findByText("302-5555555-1111111")).toBeInTheDocument();
    expect(await screen.findByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
    expect(screen.getByText("Fulfilled by the merchant")).toBeInTheDocument();
    expect(screen.getByText("IMPORTED")).toBeInTheDocument();
    const shipments = await screen.findByRole("table", { name: "Shipment confirmations" });
    expect(within(shipments).getByText("00340434161094042557")).toBeInTheDocument();
    expect(within(shipments).getByText("CONFIRMED")).toBeInTheDocument();
    expect(within(shipments).getByText("#1 · 2 items")).toBeInTheDocument();
    expect(api.callsOf("SaleorOrderAmazonRefs")[0]).toMatchObject({ api: "saleor", url: "http://shop.test/graphql/", variables: { id: ORDER }, authorization: "Bearer test-token" });
    expect(api.callsOf("ShipmentConfirmations")[0]?.variables).toEqual({ orderId: ORDER });
    // The record is looked up by the Saleor order, once: no scan of the latest imports.
    expect(api.callsOf("OrderImportRecord")).toHaveLength(1);
    expect(api.callsOf("OrderImportRecord")[0]).toMatchObject({ api: "plugin", variables: { orderId: ORDER } });
    expect(api.callsOf("ImportedOrders")).toHaveLength(0);
    expect(api.unexpected).toEqual([]);
  });

  it("says when the plugin has no import record of the order", async () => {
    renderWidget({
      SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.amazon"),
      OrderImportRecord: fixture("OrderImportRecord.none"),
      ShipmentConfirmations: fixture("ShipmentConfirmations.none"),
    });
    expect(await screen.findByText("No import record found for this order.")).toBeInTheDocument();
    expect(screen.getByText("302-5555555-1111111")).toBeInTheDocument();
  });

  it("explains a refused import record and still shows the shipments", async () => {
    renderWidget({
      SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.amazon"),
      OrderImportRecord: fixture("OrderImportRecord.denied"),
      ShipmentConfirmations: fixture("ShipmentConfirmations.one"),
    });
    expect(await screen.findByText(/Seeing Amazon import records needs the “Manage orders” permission/)).toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Shipment confirmations" })).toBeInTheDocument();
  });

  it("says when the order did not come from Amazon", async () => {
    const { api } = renderWidget({ SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.plain") });
    expect(await screen.findByText("Not an Amazon order")).toBeInTheDocument();
    expect(api.callsOf("OrderImportRecord")).toHaveLength(0);
  });

  it("says when nothing was confirmed yet", async () => {
    renderWidget({
      SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.amazon"),
      OrderImportRecord: fixture("OrderImportRecord.imported"),
      ShipmentConfirmations: fixture("ShipmentConfirmations.none"),
    });
    expect(await screen.findByText(/No shipment confirmed to Amazon yet/)).toBeInTheDocument();
  });

  it("tells a user without MANAGE_ORDERS what is missing", async () => {
    renderWidget({ SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.denied") });
    expect(await screen.findByText(/Seeing this order needs the “Manage orders” permission/)).toBeInTheDocument();
  });
});
