import type { DashboardBridge } from "../dashboard/bridge";

type Recorded = { type: string; payload: Record<string, unknown> };
type Listener = (payload: never) => void;

export type FakeBridge = DashboardBridge & {
  /** Every action the page dispatched (notification, widgetResize, popupClose…). */
  actions: Recorded[];
  actionsOf(type: string): Recorded[];
  /** Plays a dashboard event (handshake, theme, tokenRefresh). */
  emit(type: string, payload: Record<string, unknown>): void;
};

/**
 * Stands in for @saleor/app-sdk's AppBridge: holds the state the dashboard
 * would have handed over (token, theme, permissions) and records dispatches.
 */
export function createFakeBridge({
  token = "test-token",
  theme = "light",
  permissions = ["MANAGE_CHANNELS", "MANAGE_PRODUCTS", "MANAGE_ORDERS", "MANAGE_SHIPPING"],
}: { token?: string | null; theme?: "light" | "dark"; permissions?: string[] } = {}): FakeBridge {
  let state = {
    token: token ?? undefined,
    id: "QXBwOjE=",
    ready: Boolean(token),
    path: "/",
    theme,
    locale: "en",
    saleorApiUrl: "http://shop.test/graphql/",
    formContext: {},
    appPermissions: permissions,
    user: { email: "staff@example.com", permissions },
  };
  const listeners = new Map<string, Set<Listener>>();
  const actions: Recorded[] = [];

  const bridge = {
    actions,
    actionsOf: (type: string) => actions.filter((a) => a.type === type),
    getState: () => state,
    dispatch: async (action: Recorded) => {
      actions.push({ type: action.type, payload: action.payload });
    },
    subscribe: (type: string, callback: Listener) => {
      const set = listeners.get(type) ?? new Set();
      set.add(callback);
      listeners.set(type, set);
      return () => set.delete(callback);
    },
    emit(type: string, payload: Record<string, unknown>) {
      if (type === "handshake" || type === "tokenRefresh") state = { ...state, token: payload.token as string, ready: true };
      if (type === "theme") state = { ...state, theme: payload.theme as "light" | "dark" };
      listeners.get(type)?.forEach((callback) => callback(payload as never));
    },
  };
  return bridge as unknown as FakeBridge;
}
