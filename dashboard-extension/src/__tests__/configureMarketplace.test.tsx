import { screen, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";

import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension } from "../test/render";

const MP_IT = "QW1hem9uTWFya2V0cGxhY2U6Mw==";

async function openForm(routes: Routes) {
  const view = renderExtension("app", {
    routes: {
      Marketplaces: fixture("Marketplaces.two"),
      SyncStatuses: fixture("SyncStatuses.two"),
      Accounts: fixture("Accounts.one"),
      SaleorChannels: fixture("SaleorChannels.two"),
      ...routes,
    },
  });
  await view.user.click(await screen.findByRole("button", { name: "Configure new marketplace" }));
  await screen.findByRole("button", { name: "Get available marketplaces" });
  return view;
}

async function choose(user: UserEvent, label: string, option: string) {
  await user.click(screen.getByRole("combobox", { name: label }));
  await user.click(await screen.findByRole("option", { name: option }));
}

describe("configure new marketplace", () => {
  it("shows the account's field errors next to their fields", async () => {
    const { user, api } = await openForm({ AccountCreate: fixture("AccountCreate.errors") });
    await user.type(screen.getByLabelText("Seller ID"), "bad id");
    await user.click(screen.getByRole("button", { name: "Get available marketplaces" }));

    expect(await screen.findByText("A seller ID is 10 to 20 capital letters and digits.")).toBeInTheDocument();
    expect(screen.getByLabelText("Seller ID")).toHaveAccessibleDescription("A seller ID is 10 to 20 capital letters and digits.");
    expect(screen.getByLabelText("LWA client secret")).toHaveAccessibleDescription("The LWA client secret is required for a new account.");
    expect(api.callsOf("AccountCreate")[0]?.variables).toMatchObject({ input: { sellerId: "bad id", region: "EU", environment: "PRODUCTION" } });
    expect(api.callsOf("AvailableMarketplaces")).toHaveLength(0);
  });

  it("creates the account, lists Amazon's marketplaces and saves one as CONFIGURED", async () => {
    const { user, api, bridge } = await openForm({
      AccountCreate: fixture("AccountCreate.ok"),
      AvailableMarketplaces: fixture("AvailableMarketplaces.eu"),
      MarketplaceCreate: fixture("MarketplaceCreate.configured"),
      MarketplaceDetails: fixture("MarketplaceDetails.de"),
    });
    await user.type(screen.getByLabelText("Account name"), "New EU seller");
    await user.type(screen.getByLabelText("Seller ID"), "A3SANDBOXSELLR");
    await choose(user, "Environment", "Local sandbox (bundled emulator)");
    await user.type(screen.getByLabelText("LWA client ID"), "amzn1.application-oa2-client.x");
    await user.type(screen.getByLabelText("LWA client secret"), "secret");
    await user.type(screen.getByLabelText("Refresh token"), "Atzr|token");
    await user.click(screen.getByRole("button", { name: "Get available marketplaces" }));

    const germany = await screen.findByRole("radio", { name: /Amazon.de/ });
    expect(germany).toBeDisabled();
    expect(screen.getByText(/Amazon.de — DE, EUR \(A1PA6795UKMFR9\) · already configured/)).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: /Amazon.es/ })).toBeDisabled();
    expect(api.callsOf("AvailableMarketplaces")[0]?.variables).toEqual({ accountId: "QW1hem9uQWNjb3VudDoy", refresh: true });

    await user.click(screen.getByRole("radio", { name: /Amazon.it/ }));
    await choose(user, "Saleor channel", "Channel-EUR (EUR)");
    await user.click(screen.getByRole("checkbox", { name: "Berlin" }));
    await user.type(screen.getByLabelText("Stock buffer"), "2");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Amazon IT is configured")).toBeInTheDocument();
    expect(api.callsOf("MarketplaceCreate")[0]?.variables).toEqual({
      input: {
        accountId: "QW1hem9uQWNjb3VudDoy",
        marketplaceId: "APJ6JRA9NG5V4",
        channelId: "Q2hhbm5lbDoy",
        warehouseIds: ["V2FyZWhvdXNlOjhiMWMzYTBlLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQ=="],
        stockBuffer: 2,
        maxQuantity: null,
        handlingTime: null,
        syncScope: "ALL",
        autoSync: true,
      },
    });
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "success", title: "Marketplace configured" });
    // The secrets went to the API once and are not echoed anywhere on the page.
    expect(document.body.textContent).not.toContain("Atzr|token");
    await user.click(screen.getByRole("button", { name: "Open marketplace" }));
    expect(api.callsOf("MarketplaceDetails")[0]?.variables).toEqual({ id: MP_IT });
  });

  it("shows Amazon's reason when the saved marketplace is in ERROR", async () => {
    const { user, bridge } = await openForm({
      AvailableMarketplaces: fixture("AvailableMarketplaces.eu"),
      MarketplaceCreate: fixture("MarketplaceCreate.error-status"),
    });
    await choose(user, "Seller account", "EU seller (A3SANDBOXSELLR, EU)");
    await user.click(screen.getByRole("button", { name: "Get available marketplaces" }));
    await user.click(await screen.findByRole("radio", { name: /Amazon.it/ }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Amazon IT could not be verified")).toBeInTheDocument();
    expect(screen.getByText("Amazon says the seller does not participate in this marketplace.")).toBeInTheDocument();
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "error" });
  });

  it("shows the marketplace's field errors next to channel, warehouses and buffer", async () => {
    const { user } = await openForm({
      AvailableMarketplaces: fixture("AvailableMarketplaces.eu"),
      MarketplaceCreate: fixture("MarketplaceCreate.errors"),
    });
    await choose(user, "Seller account", "EU seller (A3SANDBOXSELLR, EU)");
    await user.click(screen.getByRole("button", { name: "Get available marketplaces" }));
    await user.click(await screen.findByRole("radio", { name: /Amazon.it/ }));
    await choose(user, "Saleor channel", "Channel-USD (USD)");
    await user.click(screen.getByRole("checkbox", { name: "Americas" }));
    await user.type(screen.getByLabelText("Stock buffer"), "-1");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Amazon.it sells in EUR; channel Channel-USD uses USD.")).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Saleor channel" })).toHaveAccessibleDescription("Amazon.it sells in EUR; channel Channel-USD uses USD.");
    const warehouses = screen.getByRole("group", { name: "Warehouses" });
    expect(warehouses).toHaveAccessibleDescription("Warehouse Americas is not assigned to the channel.");
    expect(screen.getByLabelText("Stock buffer")).toHaveAccessibleDescription("Must be 0 or more.");
    expect(within(warehouses).getByText("Warehouse Americas is not assigned to the channel.")).toBeInTheDocument();
  });
});
