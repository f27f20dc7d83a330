import { screen, within } from "@testing-library/react";

import { ShippingMappingDialog } from "../pages/amazon/ShippingMappingDialog";
import type { Routes } from "../test/fakeGraphql";
import { fixture, renderInDashboard } from "../test/render";

const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";
const MAPPINGS = [
  { id: "QW1hem9uU2hpcHBpbmdNYXBwaW5nOjE=", serviceLevel: "STANDARD" as const, shippingZone: { id: "U2hpcHBpbmdab25lOjM=", name: "Germany" }, shippingMethod: { id: "U2hpcHBpbmdNZXRob2RUeXBlOjU=", name: "DHL Paket" } },
  { id: "QW1hem9uU2hpcHBpbmdNYXBwaW5nOjI=", serviceLevel: "EXPEDITED" as const, shippingZone: { id: "U2hpcHBpbmdab25lOjM=", name: "Germany" }, shippingMethod: { id: "U2hpcHBpbmdNZXRob2RUeXBlOjY=", name: "DHL Express" } },
];

function renderDialog(routes: Routes) {
  return renderInDashboard(<ShippingMappingDialog marketplaceId={MP_DE} mappings={MAPPINGS} onChanged={() => undefined} onClose={() => undefined} />, {
    routes: { ShippingZones: fixture("ShippingZones.eu"), ...routes },
  });
}

describe("shipping mapping pop-up", () => {
  it("deletes the selected mappings", async () => {
    const { user, api, bridge } = renderDialog({ ShippingMappingBulkDelete: fixture("ShippingMappingBulkDelete.ok") });
    const table = await screen.findByRole("table", { name: "Shipping mappings" });
    expect(within(table).getByText("DHL Paket")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete selected" })).toBeDisabled();

    await user.click(screen.getByRole("checkbox", { name: "Select all" }));
    await user.click(screen.getByRole("button", { name: "Delete selected (2)" }));

    expect(await screen.findByText("No shipping mappings")).toBeInTheDocument();
    expect(api.callsOf("ShippingMappingBulkDelete")[0]?.variables).toEqual({ ids: MAPPINGS.map((m) => m.id) });
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ title: "2 shipping mappings deleted" });
  });

  it("deletes only what is selected", async () => {
    const { user, api } = renderDialog({ ShippingMappingBulkDelete: { data: { amazonShippingMappingBulkDelete: { count: 1, errors: [] } } } });
    await user.click(await screen.findByRole("checkbox", { name: "Select Expedited in Germany" }));
    await user.click(screen.getByRole("button", { name: "Delete selected (1)" }));
    await screen.findByRole("button", { name: "Delete selected" });
    expect(api.callsOf("ShippingMappingBulkDelete")[0]?.variables).toEqual({ ids: [MAPPINGS[1]?.id] });
    expect(screen.getByText("DHL Paket")).toBeInTheDocument();
    expect(screen.queryByText("DHL Express")).not.toBeInTheDocument();
  });

  it("maps a service level and zone to a method from the channel's shipping zones", async () => {
    const { user, api } = renderDialog({ ShippingMappingCreate: fixture("ShippingMappingCreate.ok") });
    await user.click(await screen.findByRole("combobox", { name: "Amazon service level" }));
    await user.click(await screen.findByRole("option", { name: "Next day" }));
    await user.click(screen.getByRole("combobox", { name: "Saleor shipping zone" }));
    await user.click(await screen.findByRole("option", { name: "Germany" }));
    await user.click(screen.getByRole("combobox", { name: "Saleor shipping method" }));
    await user.click(await screen.findByRole("option", { name: "DHL Express" }));
    await user.click(screen.getByRole("button", { name: "Add mapping" }));

    expect(await screen.findByText("Next day")).toBeInTheDocument();
    expect(api.callsOf("ShippingMappingCreate")[0]?.variables).toEqual({
      input: { marketplaceId: MP_DE, serviceLevel: "NEXT_DAY", shippingZoneId: "U2hpcHBpbmdab25lOjM=", shippingMethodId: "U2hpcHBpbmdNZXRob2RUeXBlOjY=" },
    });
    // The zones come from the plugin (MANAGE_ORDERS), not Saleor's shippingZones (MANAGE_SHIPPING).
    expect(api.callsOf("ShippingZones")).toHaveLength(1);
    expect(api.callsOf("ShippingZones")[0]).toMatchObject({ api: "plugin", variables: { marketplaceId: MP_DE } });
    expect(api.calls.filter((c) => c.api === "saleor")).toEqual([]);
  });

  it("says when a zone has no method priced in the channel", async () => {
    const { user } = renderDialog({});
    await user.click(await screen.findByRole("combobox", { name: "Saleor shipping zone" }));
    await user.click(await screen.findByRole("option", { name: "Islands" }));
    expect(await screen.findByText("No method of this zone has a price in the marketplace's channel.")).toBeInTheDocument();
  });

  it("says when the channel has no shipping zones", async () => {
    renderDialog({ ShippingZones: { data: { amazonShippingZones: [] } } });
    expect(await screen.findByText(/The marketplace's channel has no shipping zones/)).toBeInTheDocument();
  });

  it("shows a refused method next to its field", async () => {
    const { user } = renderDialog({ ShippingMappingCreate: fixture("ShippingMappingCreate.errors") });
    await user.click(await screen.findByRole("combobox", { name: "Amazon service level" }));
    await user.click(await screen.findByRole("option", { name: "Standard" }));
    await user.click(screen.getByRole("combobox", { name: "Saleor shipping zone" }));
    await user.click(await screen.findByRole("option", { name: "Germany" }));
    await user.click(screen.getByRole("combobox", { name: "Saleor shipping method" }));
    await user.click(await screen.findByRole("option", { name: "DHL Express" }));
    await user.click(screen.getByRole("button", { name: "Add mapping" }));
    expect(await screen.findByText("DHL Express does not belong to the zone Germany.")).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Saleor shipping method" })).toHaveAccessibleDescription("DHL Express does not belong to the zone Germany.");
  });

  it("explains when the token may not read the shipping zones", async () => {
    renderDialog({ ShippingZones: fixture("ShippingZones.denied") });
    expect(await screen.findByText(/Seeing the channel's shipping zones needs the “Manage orders” permission \(MANAGE_ORDERS\)/)).toBeInTheDocument();
  });
});
