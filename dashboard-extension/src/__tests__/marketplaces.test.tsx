import { screen, within } from "@testing-library/react";

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

  it("tells a user without MANAGE_CHANNELS why the list is missing", async () => {
    renderExtension("app", { routes: { Marketplaces: fixture("Marketplaces.denied"), SyncStatuses: fixture("SyncStatuses.two") } });
    expect(await screen.findByText("You don't have access to this")).toBeInTheDocument();
    expect(screen.getByText(/Seeing Amazon marketplaces needs the “Manage channels” permission \(MANAGE_CHANNELS\)/)).toBeInTheDocument();
  });
});
