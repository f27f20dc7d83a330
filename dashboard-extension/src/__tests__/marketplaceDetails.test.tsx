import { screen, within } from "@testing-library/react";

import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension } from "../test/render";

const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";

async function openGermany(routes: Routes = {}) {
  const view = renderExtension("app", {
    routes: {
      Marketplaces: fixture("Marketplaces.two"),
      SyncStatuses: fixture("SyncStatuses.two"),
      MarketplaceDetails: fixture("MarketplaceDetails.de"),
      SaleorChannels: fixture("SaleorChannels.two"),
      SaleorAttributes: fixture("SaleorAttributes.some"),
      SaleorShippingZones: fixture("SaleorShippingZones.eu"),
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
});
