import { screen, waitFor, within } from "@testing-library/react";

import { ImportOrdersPanel } from "../pages/amazon/ImportOrdersPanel";
import { createFakeBridge } from "../test/fakeBridge";
import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension, renderInDashboard } from "../test/render";

const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";

describe("import orders", () => {
  it("starts an import and shows its progress until it finishes", async () => {
    const onFinished = vi.fn();
    const { user, api, bridge } = renderInDashboard(<ImportOrdersPanel onFinished={onFinished} pollMs={300} />, {
      routes: {
        MarketplaceChoices: fixture("MarketplaceChoices.two"),
        RecentOrderImports: fixture("RecentOrderImports.none"),
        ImportOrders: fixture("ImportOrders.started"),
        OrderImport: [fixture("OrderImport.running"), fixture("OrderImport.running"), fixture("OrderImport.success")],
      },
    });
    // Configured marketplaces are chosen by default; FR is in ERROR.
    expect(await screen.findByRole("checkbox", { name: "Amazon DE (A1PA6795UKMFR9)" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Amazon FR (A13V1IB3VIYZZH)" })).not.toBeChecked();
    await user.click(screen.getByRole("button", { name: "Start" }));

    const progress = await screen.findByRole("progressbar", { name: "Orders handled" });
    expect(progress).toHaveAttribute("aria-valuenow", "5");
    expect(progress).toHaveAttribute("aria-valuemax", "10");
    expect(screen.getByRole("button", { name: "Importing…" })).toBeDisabled();

    expect(await screen.findByText("SUCCESS")).toBeInTheDocument();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    const issues = screen.getByRole("table", { name: "Import issues" });
    expect(within(issues).getByText("No variant with SKU 'MUG-GREEN' in Saleor.")).toBeInTheDocument();
    expect(api.callsOf("ImportOrders")[0]?.variables).toEqual({ marketplaceIds: [MP_DE] });
    expect(api.callsOf("OrderImport").length).toBeGreaterThanOrEqual(3);
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "success", title: "Orders imported", text: "8 imported, 1 updated, 1 held." });
    expect(onFinished).toHaveBeenCalledTimes(1);

    // Polling stops once the job is done.
    const polled = api.callsOf("OrderImport").length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(api.callsOf("OrderImport").length).toBe(polled);
  });

  it("follows an import that was already running", async () => {
    renderInDashboard(<ImportOrdersPanel onFinished={() => undefined} pollMs={300} />, {
      routes: { MarketplaceChoices: fixture("MarketplaceChoices.two"), RecentOrderImports: fixture("RecentOrderImports.running"), OrderImport: [fixture("OrderImport.running"), fixture("OrderImport.success")] },
    });
    expect(await screen.findByRole("progressbar", { name: "Orders handled" })).toBeInTheDocument();
    expect(await screen.findByText("SUCCESS")).toBeInTheDocument();
  });

  it("shows the last finished import without announcing it again", async () => {
    const onFinished = vi.fn();
    const { bridge } = renderInDashboard(<ImportOrdersPanel onFinished={onFinished} pollMs={300} />, {
      routes: { MarketplaceChoices: fixture("MarketplaceChoices.two"), RecentOrderImports: fixture("RecentOrderImports.finished"), OrderImport: fixture("OrderImport.success") },
    });
    expect(await screen.findByText("SUCCESS")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start" })).toBeEnabled();
    expect(bridge.actionsOf("notification")).toHaveLength(0);
    expect(onFinished).not.toHaveBeenCalled();
  });

  it("shows a refused start next to the marketplaces", async () => {
    const { user } = renderInDashboard(<ImportOrdersPanel onFinished={() => undefined} />, {
      routes: { MarketplaceChoices: fixture("MarketplaceChoices.two"), RecentOrderImports: fixture("RecentOrderImports.none"), ImportOrders: fixture("ImportOrders.errors") },
    });
    await user.click(await screen.findByRole("button", { name: "Start" }));
    expect(await screen.findByText("Amazon FR is not configured.")).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Marketplaces" })).toHaveAccessibleDescription("Amazon FR is not configured.");
  });

  it("lists marketplaces for an orders-only user, with one query open to any plugin permission", async () => {
    const { api } = renderInDashboard(<ImportOrdersPanel onFinished={() => undefined} />, {
      bridge: createFakeBridge({ permissions: ["MANAGE_ORDERS"] }),
      routes: { MarketplaceChoices: fixture("MarketplaceChoices.two"), RecentOrderImports: fixture("RecentOrderImports.none") },
    });
    expect(await screen.findByRole("checkbox", { name: "Amazon DE (A1PA6795UKMFR9)" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Amazon FR (A13V1IB3VIYZZH)" })).toBeInTheDocument();
    expect(api.callsOf("SyncStatuses")).toHaveLength(0);
    expect(api.callsOf("Marketplaces")).toHaveLength(0);
    expect(api.unexpected).toEqual([]);
  });

  it("tells a user without any of the plugin's permissions why no marketplace is listed", async () => {
    renderInDashboard(<ImportOrdersPanel onFinished={() => undefined} />, {
      routes: { MarketplaceChoices: fixture("MarketplaceChoices.denied"), RecentOrderImports: fixture("RecentOrderImports.none") },
    });
    expect(await screen.findByText(/Seeing the list of marketplaces needs the “Manage orders” permission/)).toBeInTheDocument();
  });
});

describe("held orders", () => {
  async function openOrders(routes: Routes) {
    const view = renderExtension("app", {
      routes: {
        Marketplaces: fixture("Marketplaces.two"),
        SyncStatuses: fixture("SyncStatuses.two"),
        MarketplaceChoices: fixture("MarketplaceChoices.two"),
        RecentOrderImports: fixture("RecentOrderImports.none"),
        ImportedOrders: fixture("ImportedOrders.held"),
        ...routes,
      },
    });
    await view.user.click(await screen.findByRole("tab", { name: "Orders" }));
    await screen.findByRole("table", { name: "Held orders" });
    return view;
  }

  it("lists held orders with their reason", async () => {
    const { api } = await openOrders({});
    const table = screen.getByRole("table", { name: "Held orders" });
    expect(within(table).getByText("No variant with SKU 'MUG-GREEN' in Saleor.")).toBeInTheDocument();
    expect(within(table).getByText(/postal code 1234 is not valid for DE/)).toBeInTheDocument();
    expect(api.callsOf("ImportedOrders")[0]?.variables).toEqual({ status: "HELD", first: 50 });
    // A single page: nothing more to load.
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("loads more held orders page by page", async () => {
    const { user, api } = await openOrders({ ImportedOrders: [fixture("ImportedOrders.held-first"), fixture("ImportedOrders.held-next")] });
    const table = screen.getByRole("table", { name: "Held orders" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await within(table).findByText("028-9999999-0000001")).toBeInTheDocument();
    expect(within(table).getAllByRole("row")).toHaveLength(4);
    expect(api.callsOf("ImportedOrders")[1]?.variables).toEqual({ status: "HELD", first: 50, after: "cGs6MTI=" });
    // The last page says there is no more.
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    // Orders of any page can be retried together.
    await user.click(screen.getByRole("checkbox", { name: "Select 028-9999999-0000001" }));
    await user.click(screen.getByRole("checkbox", { name: "Select 028-1234567-7654321" }));
    expect(screen.getByRole("button", { name: "Retry selected (2)" })).toBeEnabled();
  });

  it("retries one order and shows it imported", async () => {
    const { user, api, bridge } = await openOrders({ RetryImportedOrders: fixture("RetryImportedOrders.ok") });
    await user.click(screen.getByRole("button", { name: "Retry 028-1234567-7654321" }));
    const row = (await screen.findByText("Imported")).closest("tr") as HTMLElement;
    expect(within(row).getByText("028-1234567-7654321")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: "Retry 028-1234567-7654321" })).toBeDisabled();
    expect(api.callsOf("RetryImportedOrders")[0]?.variables).toEqual({ ids: ["QW1hem9uSW1wb3J0ZWRPcmRlcjoxMQ=="], skipAddressValidation: false });
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "success", text: "1 order imported." });
  });

  it("retries the selected orders, skipping address validation when asked", async () => {
    const { user, api, bridge } = await openOrders({ RetryImportedOrders: fixture("RetryImportedOrders.still-held") });
    await user.click(screen.getByRole("checkbox", { name: "Select 028-7654321-1234567" }));
    await user.click(screen.getByRole("checkbox", { name: "Skip address validation on retry" }));
    await user.click(screen.getByRole("button", { name: "Retry selected (1)" }));
    await waitFor(() => expect(api.callsOf("RetryImportedOrders")).toHaveLength(1));
    expect(api.callsOf("RetryImportedOrders")[0]?.variables).toEqual({ ids: ["QW1hem9uSW1wb3J0ZWRPcmRlcjoxMg=="], skipAddressValidation: true });
    await waitFor(() => expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "warning", title: "Some orders are still held" }));
  });

  it("says when nothing is held", async () => {
    await (async () => {
      const view = renderExtension("app", {
        routes: {
          Marketplaces: fixture("Marketplaces.two"),
          SyncStatuses: fixture("SyncStatuses.two"),
          MarketplaceChoices: fixture("MarketplaceChoices.two"),
          RecentOrderImports: fixture("RecentOrderImports.none"),
          ImportedOrders: fixture("ImportedOrders.none"),
        },
      });
      await view.user.click(await screen.findByRole("tab", { name: "Orders" }));
    })();
    expect(await screen.findByText("No held orders")).toBeInTheDocument();
  });
});
