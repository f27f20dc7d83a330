/**
 * The dashboard's messages, heard from the moment the page's script runs.
 *
 * The dashboard posts its handshake on the iframe's `load` and again after
 * `notifyReady`; both can land before React has rendered and its effects
 * subscribe, and @saleor/app-sdk's AppBridge keeps only what it could decode.
 * A handshake without a token (the user lacks the extension's permissions)
 * makes the SDK throw inside its own listener (`jose.decodeJwt(null)`), so
 * neither its state nor its subscribers ever learn of it. This listener is
 * started before the AppBridge (main.tsx) and:
 *
 * - remembers the first and the latest handshake (with or without a token)
 *   and the latest theme, so the page can say "no access" at once;
 * - keeps what the SDK cannot decode from reaching its listener (capture
 *   phase, registered first, `stopImmediatePropagation`), so no uncaught
 *   error reaches the page.
 */

export type HandshakeSeen = { token: string | null };

export type DashboardMessage =
  | { type: "handshake"; token: string | null }
  | { type: "theme"; theme: "light" | "dark" };

export type DashboardMessages = {
  /** The first handshake heard, or null before any. */
  firstHandshake(): HandshakeSeen | null;
  /** The latest handshake heard, or null before any. */
  latestHandshake(): HandshakeSeen | null;
  /** The latest theme the dashboard announced, or null before any. */
  theme(): "light" | "dark" | null;
  /** Called for each handshake and theme heard from now on; returns the unsubscribe. */
  subscribe(listener: (message: DashboardMessage) => void): () => void;
  /** Stops listening (tests). */
  stop(): void;
};

function base64UrlDecode(segment: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return null;
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  try {
    const binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Whether @saleor/app-sdk can decode this token (`jose.decodeJwt`: a string
 * of three dot-separated parts whose middle one is base64url JSON of an
 * object). Only the shape is checked; the server verifies the signature.
 */
export function isDecodableJwt(token: unknown): token is string {
  if (typeof token !== "string") return false;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return false;
  const json = base64UrlDecode(parts[1]);
  if (json === null) return false;
  try {
    const claims: unknown = JSON.parse(json);
    return typeof claims === "object" && claims !== null && !Array.isArray(claims);
  } catch {
    return false;
  }
}

type Options = {
  target?: Window;
  /** The page's referrer: only messages from its origin are the dashboard's (as in the SDK). */
  referrer?: string;
};

function originOf(url: string): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

export function listenToDashboard({ target = window, referrer = document.referrer }: Options = {}): DashboardMessages {
  const dashboardOrigin = originOf(referrer);
  let first: HandshakeSeen | null = null;
  let latest: HandshakeSeen | null = null;
  let theme: "light" | "dark" | null = null;
  const listeners = new Set<(message: DashboardMessage) => void>();

  const publish = (message: DashboardMessage) => {
    listeners.forEach((listener) => {
      try {
        listener(message);
      } catch (error) {
        // One listener's failure must not become the page's uncaught error.
        console.warn("Dashboard message listener failed", error);
      }
    });
  };

  const onMessage = (event: MessageEvent) => {
    // Without a referrer the SDK hears nothing; the page still learns of a
    // token-less handshake (it only ever concludes "no access" from it).
    if (dashboardOrigin && event.origin !== dashboardOrigin) return;
    const data: unknown = event.data;
    if (typeof data !== "object" || data === null) {
      // The SDK destructures `data` and would throw on it.
      if (dashboardOrigin) event.stopImmediatePropagation();
      return;
    }
    const { type, payload } = data as { type?: unknown; payload?: unknown };
    const body = (typeof payload === "object" && payload !== null ? payload : {}) as Record<string, unknown>;
    if (type === "handshake") {
      const token = isDecodableJwt(body.token) ? body.token : null;
      // What the SDK cannot decode stays with this listener.
      if (token === null) event.stopImmediatePropagation();
      latest = { token };
      first ??= latest;
      publish({ type: "handshake", token });
    } else if (type === "theme" && (body.theme === "light" || body.theme === "dark")) {
      theme = body.theme;
      publish({ type: "theme", theme: body.theme });
    }
  };

  // Capture phase: at the window, capturing listeners run before the SDK's.
  target.addEventListener("message", onMessage, { capture: true });
  return {
    firstHandshake: () => first,
    latestHandshake: () => latest,
    theme: () => theme,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      target.removeEventListener("message", onMessage, { capture: true });
      listeners.clear();
    },
  };
}
