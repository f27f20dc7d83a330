import { AppBridge } from "@saleor/app-sdk/app-bridge";
import { act, screen } from "@testing-library/react";

import { isDecodableJwt, listenToDashboard, type DashboardMessages } from "../dashboard/dashboardMessages";
import { createFakeBridge } from "../test/fakeBridge";
import { fixture, renderExtension, startListening } from "../test/render";

const DASHBOARD = "http://dashboard.test";

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

function fromDashboard(data: unknown, origin = DASHBOARD) {
  window.dispatchEvent(new MessageEvent("message", { origin, data }));
}

/** Errors the page would report as uncaught (jsdom reports a throwing listener on window). */
function collectPageErrors() {
  const errors: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    errors.push(event.error ?? event.message);
    event.preventDefault();
  };
  window.addEventListener("error", onError);
  return { errors, stop: () => window.removeEventListener("error", onError) };
}

/** The real AppBridge, as main.tsx makes it, framed by the dashboard at DASHBOARD. */
function realBridge() {
  vi.spyOn(document, "referrer", "get").mockReturnValue(`${DASHBOARD}/dashboard/`);
  return new AppBridge({ autoNotifyReady: false, saleorApiUrl: "http://shop.test/graphql/" });
}

describe("tokens the SDK can decode", () => {
  it("tells a JWT from what is not one", () => {
    expect(isDecodableJwt(jwt({ permissions: ["MANAGE_ORDERS"] }))).toBe(true);
    expect(isDecodableJwt(null)).toBe(false);
    expect(isDecodableJwt(undefined)).toBe(false);
    expect(isDecodableJwt("")).toBe(false);
    expect(isDecodableJwt("not-a-jwt")).toBe(false);
    expect(isDecodableJwt("a..c")).toBe(false);
    expect(isDecodableJwt("a.b.c.d.e")).toBe(false);
    expect(isDecodableJwt(`a.${btoa("not json")}.c`)).toBe(false);
    expect(isDecodableJwt(`a.${btoa("[1]")}.c`)).toBe(false);
    expect(isDecodableJwt(`a.${btoa('"text"')}.c`)).toBe(false);
  });
});

describe("the dashboard's messages before the page listens", () => {
  let messages: DashboardMessages | null = null;
  afterEach(() => {
    messages?.stop();
    messages = null;
  });

  it("keeps a handshake without a token away from the SDK, which throws on it", () => {
    const page = collectPageErrors();
    try {
      // Without the early listener: @saleor/app-sdk decodes the null token
      // inside its message listener and the page gets an uncaught error.
      const unguarded = realBridge();
      fromDashboard({ type: "handshake", payload: { token: null, version: 1 } });
      expect(page.errors).toHaveLength(1);
      expect(String(page.errors[0])).toMatch(/JWTs must use Compact JWS serialization/);
      expect(unguarded.getState().token).toBeUndefined();
      page.errors.length = 0;

      // As main.tsx starts them: the early listener first, then the bridge.
      messages = listenToDashboard({ referrer: `${DASHBOARD}/dashboard/` });
      const bridge = realBridge();
      fromDashboard({ type: "handshake", payload: { token: null, version: 1 } });
      fromDashboard({ type: "handshake", payload: { token: "garbage", version: 1 } });
      fromDashboard(null);
      expect(page.errors).toEqual([]);
      expect(messages.firstHandshake()).toEqual({ token: null });
      expect(bridge.getState().token).toBeUndefined();
    } finally {
      page.stop();
    }
  });

  it("lets a token through to the SDK and remembers the handshake and theme", () => {
    messages = listenToDashboard({ referrer: `${DASHBOARD}/dashboard/` });
    const bridge = realBridge();
    const token = jwt({ email: "staff@example.com", permissions: ["MANAGE_ORDERS"], user_permissions: [] });
    const heard: unknown[] = [];
    messages.subscribe((message) => heard.push(message));
    fromDashboard({ type: "handshake", payload: { token, version: 1 } });
    fromDashboard({ type: "theme", payload: { theme: "dark" } });
    expect(bridge.getState()).toMatchObject({ token, appPermissions: ["MANAGE_ORDERS"], theme: "dark" });
    expect(messages.firstHandshake()).toEqual({ token });
    expect(messages.theme()).toBe("dark");
    expect(heard).toEqual([
      { type: "handshake", token },
      { type: "theme", theme: "dark" },
    ]);
  });

  it("ignores other origins, as the SDK does", () => {
    messages = listenToDashboard({ referrer: `${DASHBOARD}/dashboard/` });
    fromDashboard({ type: "handshake", payload: { token: null } }, "http://elsewhere.test");
    fromDashboard({ type: "theme", payload: { theme: "dark" } }, "http://elsewhere.test");
    expect(messages.latestHandshake()).toBeNull();
    expect(messages.theme()).toBeNull();
  });
});

describe("no access, said at once", () => {
  it("when the token-less handshake came before React rendered", () => {
    const messages = startListening();
    // The dashboard answers the iframe's load before the page has rendered.
    fromDashboard({ type: "handshake", payload: { token: null, version: 1 } }, "");
    renderExtension("order-widget", { bridge: createFakeBridge({ token: null }), messages, query: "&orderId=T3JkZXI6MQ%3D%3D" });
    // No waiting for the handshake timeout (10 s by default).
    expect(screen.getByText("You don't have access to this")).toBeInTheDocument();
    expect(screen.getByText(/needs the Manage orders permission/)).toBeInTheDocument();
  });

  it("when it lands between the first render and the page's subscriptions", async () => {
    const messages = startListening();
    const subscribe = messages.subscribe;
    messages.subscribe = (listener) => {
      fromDashboard({ type: "handshake", payload: { token: null, version: 1 } }, "");
      return subscribe(listener);
    };
    renderExtension("product-widget", { bridge: createFakeBridge({ token: null }), messages, query: "&productId=UHJvZHVjdDo3Mg%3D%3D" });
    expect(await screen.findByText("You don't have access to this", undefined, { timeout: 500 })).toBeInTheDocument();
  });

  it("and a token handed over later still opens the page", async () => {
    const bridge = createFakeBridge({ token: null });
    const messages = startListening();
    fromDashboard({ type: "handshake", payload: { token: null, version: 1 } }, "");
    renderExtension("app", { bridge, messages, routes: { Marketplaces: fixture("Marketplaces.two"), SyncStatuses: fixture("SyncStatuses.two") } });
    expect(screen.getByText("You don't have access to this")).toBeInTheDocument();
    act(() => bridge.emit("handshake", { token: "granted-token", version: 1 }));
    expect(await screen.findByText("Amazon DE (A1PA6795UKMFR9)")).toBeInTheDocument();
    expect(screen.queryByText("You don't have access to this")).not.toBeInTheDocument();
  });
});
