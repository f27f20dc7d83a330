import { screen, within } from "@testing-library/react";

import { createFakeBridge } from "../test/fakeBridge";
import { fixture, renderExtension } from "../test/render";

describe("marketplaces list", () => {
  it("lists marketplaces with their status, Amazon's error and the sync status", async () => {
    const { api } = renderExtension("app", { routes: { Marketplaces: fixture("Marketplaces.two"), SyncStatuses: fixture("SyncStatuses.two") } });
    expect(screen.getByRole("status", { name: "Loading Amazon marketplaces…" })).toBeInTheDocument();

    const table = await screen.findByRole("table", { name: "Marketplaces" });
    const [, de, fr] = within(table).getAllByRole("row");
    expect(within(de as HTMLElement).getByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
    expect(within(de as HTMLElement).getByText("CONFIGURED")).toBeInTheDocument();
    expect(within(de as HTMLElement).getByText("Waiting for Amazon's feed quota")).toBeInTheDocument();
    expect(within(de as HTMLElement).getByText(/12 pending changes/)).toBeInTheDocument();
    expect(within(fr as HTMLElement).getByText("ERROR")).toBeInTheDocument();
    expect(within(fr as HTMLElement).getByText(/the seller revoked the authorisation/)).toBeInTheDocument();
    expect(within(fr as HTMLElement).getByText(/Manual · inventory and prices/)).toBeInTheDocument();
    expect(api.unexpected).toEqual([]);
  });

  it("shows an empty state that leads to configuring one", async () => {
    const { user } = renderExtension("app", {
      routes: { Marketplaces: fixture("Marketplaces.empty"), SyncStatuses: fixture("SyncStatuses.empty"), Accounts: fixture("Accounts.none"), SaleorChannels: fixture("SaleorChannels.two") },
    });
    expect(await screen.findByText("No Amazon marketplaces yet")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Configure new marketplace" }));
    expect(await screen.findByRole("button", { name: "Get available marketplaces" })).toBeInTheDocument();
  });

  it("lists marketplaces for a products-only user and says what is hidden", async () => {
    renderExtension("app", {
      bridge: createFakeBridge({ permissions: ["MANAGE_PRODUCTS"] }),
      routes: { Marketplaces: fixture("Marketplaces.products-only"), SyncStatuses: fixture("SyncStatuses.two") },
    });
    const table = await screen.findByRole("table", { name: "Marketplaces" });
    const [, de, fr] = within(table).getAllByRole("row");
    expect(within(de as HTMLElement).getByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
    expect(within(de as HTMLElement).getByText("Automatic sync · full listings")).toBeInTheDocument();
    expect(within(de as HTMLElement).getByText("Waiting for Amazon's feed quota")).toBeInTheDocument();
    expect(within(fr as HTMLElement).getByText("ERROR")).toBeInTheDocument();
    // Refused fields are empty, not an error page.
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByText("You don't have access to this")).not.toBeInTheDocument();
    expect(screen.getByText(/Seeing seller accounts and Amazon's credential checks, and configuring a marketplace, needs the “Manage channels” permission \(MANAGE_CHANNELS\)\./)).toBeInTheDocument();
    expect(screen.getByText("Seeing how orders are imported needs the “Manage channels” or “Manage orders” permission (MANAGE_CHANNELS or MANAGE_ORDERS).")).toBeInTheDocument();
    expect(screen.queryByText(/how products are synced/)).not.toBeInTheDocument();
  });

  it("lists marketplaces for an orders-only user and says what is hidden", async () => {
    renderExtension("app", {
      bridge: createFakeBridge({ permissions: ["MANAGE_ORDERS"] }),
      routes: { Marketplaces: fixture("Marketplaces.orders-only"), SyncStatuses: fixture("SyncStatuses.denied") },
    });
    const table = await screen.findByRole("table", { name: "Marketplaces" });
    const [, de] = within(table).getAllByRole("row");
    expect(within(de as HTMLElement).getByText("Imported automatically")).toBeInTheDocument();
    expect(screen.getByText(/Seeing how products are synced needs the “Manage channels” or “Manage products” permission/)).toBeInTheDocument();
    expect(screen.getByText(/Seeing the sync status needs the “Manage products” permission \(MANAGE_PRODUCTS\)/)).toBeInTheDocument();
    expect(screen.queryByText("You don't have access to this")).not.toBeInTheDocument();
  });

  it("says configuring needs MANAGE_CHANNELS when a token without it finds no marketplace", async () => {
    renderExtension("app", {
      bridge: createFakeBridge({ permissions: ["MANAGE_PRODUCTS"] }),
      routes: { Marketplaces: fixture("Marketplaces.empty"), SyncStatuses: fixture("SyncStatuses.empty") },
    });
    expect(await screen.findByText("No Amazon marketplaces yet")).toBeInTheDocument();
    expect(screen.getByText(/configuring a marketplace, needs the “Manage channels” permission/)).toBeInTheDocument();
  });

  it("tells a user without any of the plugin's permissions why the list is missing", async () => {
    renderExtension("app", { routes: { Marketplaces: fixture("Marketplaces.denied"), SyncStatuses: fixture("SyncStatuses.two") } });
    expect(await screen.findByText("You don't have access to this")).toBeInTheDocument();
    expect(screen.getByText(/Seeing Amazon marketplaces needs the “Manage channels” permission \(MANAGE_CHANNELS\)/)).toBeInTheDocument();
  });
});
