import { screen, within } from "@testing-library/react";

import { createFakeBridge } from "../test/fakeBridge";
import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension } from "../test/render";

const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";

async function openGermany(routes: Routes = {}, permissions?: string[]) {
  const view = renderExtension("app", {
    bridge: createFakeBridge(permissions ? { permissions } : {}),
    routes: {
      Marketplaces: fixture("Marketplaces.two"),
      SyncStatuses: fixture("SyncStatuses.two"),
      MarketplaceDetails: fixture("MarketplaceDetails.de"),
      SaleorChannels: fixture("SaleorChannels.two"),
      SaleorAttributes: fixture("SaleorAttributes.some"),
      ShippingZones: fixture("ShippingZones.eu"),
      ...routes,
    },
  });
  await view.user.click(await screen.findByRole("button", { name: "Open Amazon DE (A1PA6795UKMFR9)" }));
  await screen.findByRole("region", { name: "Products export" });
  return view;
}

describe("marketplace details", () => {
  it("shows the options and sends only what changed", async () => {
    const { user, api, bridge } = await openGermany({ MarketplaceUpdate: fixture("MarketplaceUpdate.ok") });
    expect(screen.getByRole("checkbox", { name: "Automatically sync product updates" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Automatically import orders" })).toBeChecked();
    expect(screen.getByText("2 field mappings")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();

    await user.click(screen.getByRole("checkbox", { name: "Automatically sync product updates" }));
    await user.click(screen.getByRole("combobox", { name: "What to sync" }));
    await user.click(await screen.findByRole("option", { name: "Inventory and prices only (INVENTORY)" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    await screen.findByRole("button", { name: "Save" });
    expect(api.callsOf("MarketplaceUpdate")[0]?.variables).toEqual({ id: MP_DE, input: { autoSync: false, syncScope: "INVENTORY" } });
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "success", title: "Marketplace saved" });
  });

  it("shows a refused value's error next to its field", async () => {
    const { user } = await openGermany({ MarketplaceUpdate: fixture("MarketplaceUpdate.errors") });
    const field = screen.getByLabelText("Handling time (days)");
    await user.clear(field);
    await user.type(field, "99");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Handling time is 1 to 30 days.")).toBeInTheDocument();
    expect(screen.getByLabelText("Handling time (days)")).toHaveAccessibleDescription("Handling time is 1 to 30 days.");
  });

  it("re-checks the credentials on demand", async () => {
    const { user, api } = await openGermany({ MarketplaceCheck: { data: { amazonMarketplaceCheck: { marketplace: (fixture("Marketplaces.two") as { data: { amazonMarketplaces: { edges: { node: unknown }[] } } }).data.amazonMarketplaces.edges[1]?.node, errors: [] } } } });
    await user.click(screen.getByRole("button", { name: "Check credentials" }));
    await screen.findByRole("button", { name: "Check credentials" });
    expect(api.callsOf("MarketplaceCheck")[0]?.variables).toEqual({ id: MP_DE });
    const region = screen.getByRole("region", { name: "Amazon DE (A1PA6795UKMFR9)" });
    expect(within(region).getByText("Last checked")).toBeInTheDocument();
  });

  it("opens the shipping mapping with the marketplace's zones from the plugin", async () => {
    const { user, api } = await openGermany();
    await user.click(screen.getByRole("button", { name: "Shipping mapping" }));
    const dialog = await screen.findByRole("dialog", { name: "Shipping mapping" });
    expect(within(dialog).getByText("DHL Paket")).toBeInTheDocument();
    expect(api.callsOf("ShippingZones")[0]?.variables).toEqual({ marketplaceId: MP_DE });
    expect(api.unexpected).toEqual([]);
  });
});

describe("marketplace details with some fields refused", () => {
  it("shows a products-only user the product side, read-only settings and notes for the rest", async () => {
    const { user } = await openGermany({ Marketplaces: fixture("Marketplaces.products-only"), MarketplaceDetails: fixture("MarketplaceDetails.products-only") }, ["MANAGE_PRODUCTS"]);
    // What MANAGE_PRODUCTS may read is there, not an error page.
    expect(screen.queryByText("You don't have access to this")).not.toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Automatically sync product updates" })).toBeChecked();
    expect(screen.getByLabelText("Stock buffer")).toHaveValue(1);
    expect(screen.getByText("2 field mappings")).toBeInTheDocument();
    // Settings are saved with MANAGE_CHANNELS: read-only, and said so.
    expect(screen.getByText("Changing a marketplace's settings needs the “Manage channels” permission (MANAGE_CHANNELS).")).toBeInTheDocument();
    expect(screen.getByLabelText("Stock buffer")).toBeDisabled();
    expect(screen.getByRole("button", { name: "Check credentials" })).toBeDisabled();
    expect(screen.getByText(/Seeing the seller account and checking its credentials with Amazon needs the “Manage channels” permission/)).toBeInTheDocument();
    // The order side gives way to notes.
    expect(screen.queryByRole("checkbox", { name: "Automatically import orders" })).not.toBeInTheDocument();
    expect(screen.getByText(/Seeing how orders are imported needs the “Manage channels” or “Manage orders” permission/)).toBeInTheDocument();
    expect(screen.getByText("Seeing and editing the shipping mapping needs the “Manage orders” permission (MANAGE_ORDERS).")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Shipping mapping" })).toBeDisabled();
    // The fields mapping is theirs to edit.
    await user.click(screen.getByRole("button", { name: "Fields mapping" }));
    const dialog = await screen.findByRole("dialog", { name: "Fields mapping" });
    expect(within(dialog).getByRole("list", { name: "Sources for brand" })).toBeInTheDocument();
  });

  it("shows an orders-only user the order side and notes for the rest", async () => {
    const { user } = await openGermany(
      { Marketplaces: fixture("Marketplaces.orders-only"), MarketplaceDetails: fixture("MarketplaceDetails.orders-only"), SyncStatuses: fixture("SyncStatuses.denied") },
      ["MANAGE_ORDERS"],
    );
    expect(screen.queryByText("You don't have access to this")).not.toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Automatically import orders" })).toBeChecked();
    expect(screen.getByText("2 shipping mappings")).toBeInTheDocument();
    expect(screen.queryByLabelText("Stock buffer")).not.toBeInTheDocument();
    expect(screen.getByText(/Seeing the warehouses and stock settings needs the “Manage channels” or “Manage products” permission/)).toBeInTheDocument();
    expect(screen.queryByRole("checkbox", { name: "Automatically sync product updates" })).not.toBeInTheDocument();
    expect(screen.getByText(/Seeing how products are synced needs/)).toBeInTheDocument();
    expect(screen.getByText("Seeing and editing the fields mapping needs the “Manage products” permission (MANAGE_PRODUCTS).")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Fields mapping" })).toBeDisabled();
    const region = screen.getByRole("region", { name: "Amazon DE (A1PA6795UKMFR9)" });
    expect(within(region).getByText(/Seeing the sync status needs the “Manage products” permission/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Shipping mapping" }));
    const dialog = await screen.findByRole("dialog", { name: "Shipping mapping" });
    expect(within(dialog).getByRole("table", { name: "Shipping mappings" })).toBeInTheDocument();
  });
});
