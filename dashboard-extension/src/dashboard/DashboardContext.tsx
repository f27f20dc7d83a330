import { actions, type NotificationPayload } from "@saleor/app-sdk/app-bridge";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { createClient, pluginGraphqlUrl, type GraphQLClient } from "../api/client";
import type { PageParams } from "../pageParams";
import type { DashboardBridge } from "./bridge";
import type { DashboardMessages } from "./dashboardMessages";

/**
 * - waiting: no handshake yet.
 * - ready: a token arrived.
 * - no-token: the dashboard handshook without a token, which it does when the
 *   user lacks the extension's permissions, or nothing came at all.
 * - outside-dashboard: the page is not in an iframe.
 */
export type AccessState = "waiting" | "ready" | "no-token" | "outside-dashboard";

export type DashboardContextValue = {
  bridge: DashboardBridge;
  params: PageParams;
  access: AccessState;
  theme: "light" | "dark";
  /** Permissions the token carries (the app's, narrowed to the user's). */
  tokenPermissions: string[];
  plugin: GraphQLClient;
  saleor: GraphQLClient;
  notify(notification: NotificationPayload): void;
};

function initialAccess(token: string | undefined, messages: DashboardMessages): AccessState {
  if (token) return "ready";
  if (window.parent === window) return "outside-dashboard";
  // The dashboard already handshook without a token, before React rendered.
  if (messages.latestHandshake() && !messages.latestHandshake()?.token) return "no-token";
  return "waiting";
}

const DashboardContext = createContext<DashboardContextValue | null>(null);

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (!value) throw new Error("useDashboard needs a DashboardProvider");
  return value;
}

type Props = {
  bridge: DashboardBridge;
  /** The dashboard's messages as heard since the page's script started (main.tsx). */
  messages: DashboardMessages;
  params: PageParams;
  children: ReactNode;
  /** Where the build is served from; the plugin's API is its `../graphql/`. */
  base?: string;
  origin?: string;
  fetchImpl?: typeof fetch;
  handshakeTimeoutMs?: number;
};

export function DashboardProvider({
  bridge,
  messages,
  params,
  children,
  base = import.meta.env.BASE_URL,
  origin = window.location.origin,
  fetchImpl,
  handshakeTimeoutMs = 10_000,
}: Props) {
  const initial = bridge.getState();
  const [token, setToken] = useState<string | null>(initial.token ?? null);
  const [theme, setTheme] = useState<"light" | "dark">(initial.theme ?? messages.theme() ?? params.theme);
  const [tokenPermissions, setTokenPermissions] = useState<string[]>(initial.appPermissions ?? []);
  const [access, setAccess] = useState<AccessState>(() => initialAccess(initial.token, messages));
  const tokenRef = useRef(token);
  tokenRef.current = token;

  useEffect(() => {
    const onToken = (next: string | null | undefined) => {
      if (!next) return;
      tokenRef.current = next;
      setToken(next);
      setTokenPermissions(bridge.getState().appPermissions ?? []);
      setAccess("ready");
    };
    // A handshake without a token means the user lacks the extension's
    // permissions; one with a token arrives through the bridge.
    const onNoToken = () => setAccess((current) => (current === "waiting" ? "no-token" : current));
    const unsubscribe = [
      bridge.subscribe("handshake", (payload) => onToken(payload.token)),
      bridge.subscribe("tokenRefresh", (payload) => onToken(payload.token)),
      bridge.subscribe("theme", (payload) => setTheme(payload.theme)),
      messages.subscribe((message) => {
        if (message.type === "handshake" && !message.token) onNoToken();
      }),
    ];
    // Whatever landed between the first render and these subscriptions: the
    // bridge kept a token in its state, the early listener every handshake.
    const current = bridge.getState();
    onToken(current.token);
    if (!current.token && messages.latestHandshake() && !messages.latestHandshake()?.token) onNoToken();
    if (current.theme) setTheme(current.theme);
    return () => unsubscribe.forEach((u) => u());
  }, [bridge, messages]);

  useEffect(() => {
    if (access !== "waiting") return;
    if (window.parent === window) {
      setAccess("outside-dashboard");
      return;
    }
    // Nothing at all from the dashboard: say why rather than wait forever.
    const timer = window.setTimeout(() => {
      if (!tokenRef.current) setAccess("no-token");
    }, handshakeTimeoutMs);
    return () => window.clearTimeout(timer);
  }, [access, handshakeTimeoutMs]);

  const value = useMemo<DashboardContextValue>(() => {
    const pluginUrl = pluginGraphqlUrl(base, origin);
    const currentToken = () => tokenRef.current;
    return {
      bridge,
      params,
      access,
      theme,
      tokenPermissions,
      plugin: createClient({ url: () => pluginUrl, token: currentToken, fetchImpl }),
      saleor: createClient({
        url: () => params.saleorApiUrl ?? (bridge.getState().saleorApiUrl || null),
        token: currentToken,
        fetchImpl,
      }),
      notify(notification) {
        // The dashboard may not answer (e.g. an old version); a lost toast is not worth an error.
        bridge.dispatch(actions.Notification(notification)).catch(() => undefined);
      },
    };
  }, [bridge, params, access, theme, tokenPermissions, base, origin, fetchImpl]);

  return <DashboardContext.Provider value={value}>{children}</DashboardContext.Provider>;
}
