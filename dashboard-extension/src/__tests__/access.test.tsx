import { act, screen, waitFor } from "@testing-library/react";

import { createFakeBridge } from "../test/fakeBridge";
import { fixture, renderExtension } from "../test/render";

describe("access and page states", () => {
  it("waits for the dashboard's handshake, then loads with its token", async () => {
    const bridge = createFakeBridge({ token: null });
    const { api } = renderExtension("app", { bridge, routes: { Marketplaces: fixture("Marketplaces.two"), SyncStatuses: fixture("SyncStatuses.two") } });
    expect(screen.getByRole("status", { name: "Connecting to the Saleor dashboard…" })).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);

    act(() => bridge.emit("handshake", { token: "fresh-token", version: 1 }));
    expect(await screen.findByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
    expect(api.callsOf("Marketplaces")[0]).toMatchObject({
      api: "plugin",
      url: "http://shop.test/plugins/global/saleor.amazon_feeds/graphql/",
      authorization: "Bearer fresh-token",
    });
  });

  it("says the page is outside the dashboard when it is not framed", async () => {
    renderExtension("app", { bridge: createFakeBridge({ token: null }), framed: false });
    expect(await screen.findByText("Open this page from the Saleor dashboard")).toBeInTheDocument();
  });

  it("explains a handshake without a token as missing permissions", async () => {
    renderExtension("product-widget", { bridge: createFakeBridge({ token: null }), query: "&productId=UHJvZHVjdDo3Mg%3D%3D" });
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { data: { type: "handshake", payload: { token: null, version: 1 } } }));
    });
    expect(await screen.findByText("You don't have access to this")).toBeInTheDocument();
    expect(screen.getByText(/needs the Manage products permission/)).toBeInTheDocument();
  });

  it("gives up waiting after a while with the same explanation", async () => {
    renderExtension("order-widget", { bridge: createFakeBridge({ token: null }), query: "&orderId=T3JkZXI6MQ%3D%3D", handshakeTimeoutMs: 20 });
    expect(await screen.findByText(/needs the Manage orders permission/)).toBeInTheDocument();
  });

  it("uses the token the dashboard refreshes", async () => {
    const bridge = createFakeBridge({ token: "first" });
    const { api, user } = renderExtension("app", {
      bridge,
      routes: {
        Marketplaces: fixture("Marketplaces.two"),
        SyncStatuses: fixture("SyncStatuses.two"),
        MarketplaceChoices: fixture("MarketplaceChoices.two"),
        RecentOrderImports: fixture("RecentOrderImports.none"),
        ImportedOrders: fixture("ImportedOrders.held"),
      },
    });
    await screen.findByText("Amazon DE (A1PA6795UKMFR9)");
    act(() => bridge.emit("tokenRefresh", { token: "second" }));
    await user.click(screen.getByRole("tab", { name: "Orders" }));
    await screen.findByText("028-1234567-7654321");
    expect(api.callsOf("ImportedOrders")[0]?.authorization).toBe("Bearer second");
  });

  it("follows the dashboard's theme", async () => {
    const bridge = createFakeBridge();
    renderExtension("app", { bridge, routes: { Marketplaces: fixture("Marketplaces.empty"), SyncStatuses: fixture("SyncStatuses.empty") } });
    await screen.findByText("No Amazon marketplaces yet");
    const before = document.documentElement.getAttribute("style");
    act(() => bridge.emit("theme", { theme: "dark" }));
    await waitFor(() => expect(document.documentElement.getAttribute("style")).not.toBe(before));
  });

  it("tells an expired session apart from other errors", async () => {
    renderExtension("app", { routes: { Marketplaces: fixture("Any.unauthenticated"), SyncStatuses: fixture("Any.unauthenticated") } });
    expect(await screen.findByText("Your session has expired")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("shows a network failure with a retry", async () => {
    let calls = 0;
    const { user } = renderExtension("app", {
      routes: {
        Marketplaces: () => {
          calls += 1;
          if (calls === 1) throw new TypeError("Failed to fetch");
          return fixture("Marketplaces.two") as never;
        },
        SyncStatuses: fixture("SyncStatuses.two"),
      },
    });
    expect(await screen.findByText("Could not reach the server")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
  });

  it("names an unknown page and a missing page parameter", () => {
    renderExtension("unknown");
    expect(screen.getByText("Unknown Amazon page")).toBeInTheDocument();
  });

  it("says which parameter the dashboard did not pass", () => {
    renderExtension("product-widget");
    expect(screen.getByText("This extension was opened without its page")).toBeInTheDocument();
    expect(screen.getByText(/productId/)).toBeInTheDocument();
  });
});

describe("a handshake that arrives before the page listens", () => {
  it("is picked up from the bridge's state", async () => {
    const bridge = createFakeBridge({ token: null });
    const subscribe = bridge.subscribe.bind(bridge);
    // The dashboard's handshake lands just as the page subscribes.
    bridge.subscribe = ((type: string, callback: never) => {
      if (type === "handshake") bridge.emit("handshake", { token: "early-token", version: 1 });
      return subscribe(type as never, callback);
    }) as typeof bridge.subscribe;
    const { api } = renderExtension("app", { bridge, routes: { Marketplaces: fixture("Marketplaces.two"), SyncStatuses: fixture("SyncStatuses.two") } });
    expect(await screen.findByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
    expect(api.callsOf("Marketplaces")[0]?.authorization).toBe("Bearer early-token");
  });
});
