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
      ImportedOrders: fixture("ImportedOrders.for-order"),
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
  });

  it("says when the order did not come from Amazon", async () => {
    const { api } = renderWidget({ SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.plain") });
    expect(await screen.findByText("Not an Amazon order")).toBeInTheDocument();
    expect(api.callsOf("ImportedOrders")).toHaveLength(0);
  });

  it("says when nothing was confirmed yet", async () => {
    renderWidget({
      SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.amazon"),
      ImportedOrders: fixture("ImportedOrders.for-order"),
      ShipmentConfirmations: fixture("ShipmentConfirmations.none"),
    });
    expect(await screen.findByText(/No shipment confirmed to Amazon yet/)).toBeInTheDocument();
  });

  it("tells a user without MANAGE_ORDERS what is missing", async () => {
    renderWidget({ SaleorOrderAmazonRefs: fixture("SaleorOrderAmazonRefs.denied") });
    expect(await screen.findByText(/Seeing this order needs the “Manage orders” permission/)).toBeInTheDocument();
  });
});
