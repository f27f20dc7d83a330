/*
 * The host side of Saleor 3.23's app extensions, as the dashboard implements
 * it (see the README's Dashboard section and shared/DASHBOARD.md):
 *
 * - extensions come from `appExtensions(filter: {mountName: [...]})`, asked
 *   with the logged-in staff member's token;
 * - a relative extension URL is appended to the App's appUrl; the iframe URL
 *   carries domain, saleorApiUrl, id (the App), the page's entity id and the
 *   theme (widgets repeat domain/saleorApiUrl/id, as the dashboard does);
 * - on load the host posts the handshake with the token Saleor issued: the
 *   App's accessToken for an APP_PAGE, the extension's own otherwise (null
 *   when the user lacks its permissions);
 * - it answers every action with a response; notifyReady is followed by the
 *   handshake again, localeChanged and theme; widgetResize sets the height.
 *
 * Driven by tests/e2e/run.mjs through `window.standIn`. Every action an
 * extension sends is recorded in `standIn.actions` for the test to check.
 */
(function () {
  "use strict";

  const SALEOR_VERSION = "3.23.28";
  const DASHBOARD_VERSION = "3.23.27";
  const SANDBOX = "allow-same-origin allow-forms allow-scripts allow-downloads allow-popups";

  const EXTENSIONS_QUERY = `
    query AppExtensions($mounts: [String!]) {
      appExtensions(filter: {mountName: $mounts}, first: 100) {
        edges { node {
          id label identifier url mountName targetName settings accessToken
          permissions { code }
          app { id appUrl name }
        } }
      }
    }`;

  const state = {
    apiUrl: null,
    userToken: null,
    user: null,
    theme: "light",
    extensions: [],
    frames: new Map(), // iframe contentWindow -> {extension, iframe, token, origin}
    actions: [],
    handshakes: [],
    errors: [],
  };

  async function gql(query, variables, token) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(state.apiUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables: variables || {} }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length) {
      throw new Error(`Saleor API: ${body.errors.map((e) => e.message).join("; ")}`);
    }
    return body.data;
  }

  async function login(apiUrl, email, password) {
    state.apiUrl = apiUrl;
    const data = await gql(
      `mutation ($email: String!, $password: String!) {
        tokenCreate(email: $email, password: $password) {
          token user { email isStaff } errors { field message }
        }
      }`,
      { email, password },
    );
    const result = data.tokenCreate;
    if (!result.token) throw new Error(`tokenCreate: ${JSON.stringify(result.errors)}`);
    state.userToken = result.token;
    state.user = result.user;
    document.getElementById("who").textContent = result.user.email;
    return result.user;
  }

  async function loadExtensions(mounts) {
    const data = await gql(EXTENSIONS_QUERY, { mounts }, state.userToken);
    state.extensions = data.appExtensions.edges.map((edge) => edge.node);
    renderNav();
    return state.extensions;
  }

  function renderNav() {
    const nav = document.getElementById("nav");
    nav.replaceChildren();
    for (const extension of state.extensions) {
      if (extension.targetName !== "APP_PAGE") continue;
      const item = document.createElement("div");
      item.textContent = extension.label;
      nav.appendChild(item);
    }
  }

  async function appToken(appId) {
    const data = await gql(
      "query ($id: ID!) { app(id: $id) { accessToken } }",
      { id: appId },
      state.userToken,
    );
    return data.app ? data.app.accessToken : null;
  }

  function extensionUrl(extension) {
    if (/^https?:\/\//.test(extension.url)) return extension.url;
    // The dashboard concatenates, it does not resolve: `${appUrl}${url}`.
    if (!extension.app.appUrl) throw new Error(`${extension.identifier}: no appUrl`);
    return `${extension.app.appUrl}${extension.url}`;
  }

  function iframeUrl(extension, entity) {
    const api = new URL(state.apiUrl);
    const url = new URL(extensionUrl(extension));
    const base = [
      ["domain", api.host],
      ["saleorApiUrl", state.apiUrl],
      ["id", extension.app.id],
    ];
    for (const [key, value] of base) url.searchParams.append(key, value);
    for (const [key, value] of Object.entries(entity || {})) url.searchParams.append(key, value);
    url.searchParams.append("theme", state.theme);
    if (extension.targetName === "WIDGET") {
      // The widget renderer adds the app parameters once more; the first wins.
      for (const [key, value] of base) url.searchParams.append(key, value);
    }
    return url.toString();
  }

  function slotFor(extension) {
    if (extension.targetName === "APP_PAGE") return document.getElementById("content");
    if (extension.targetName === "WIDGET") return document.getElementById("widgets");
    const popup = document.getElementById("popup");
    popup.hidden = false;
    return document.getElementById("popup-body");
  }

  function post(frame, message) {
    frame.iframe.contentWindow.postMessage(message, frame.origin);
  }

  function handshake(frame) {
    state.handshakes.push({ identifier: frame.extension.identifier, token: Boolean(frame.token) });
    post(frame, {
      type: "handshake",
      payload: {
        token: frame.token,
        version: 1,
        saleorVersion: SALEOR_VERSION,
        dashboardVersion: DASHBOARD_VERSION,
      },
    });
  }

  /** Embed an extension, as the dashboard does on the page it is mounted on. */
  async function open(identifier, entity, options) {
    const extension = state.extensions.find((e) => e.identifier === identifier);
    if (!extension) throw new Error(`no extension ${identifier} (have ${state.extensions.map((e) => e.identifier)})`);
    if (options && options.theme) setTheme(options.theme, { silent: true });
    const token = extension.targetName === "APP_PAGE" ? await appToken(extension.app.id) : extension.accessToken;
    const src = iframeUrl(extension, entity);
    const slot = slotFor(extension);
    const wrapper = document.createElement("div");
    wrapper.className = "slot";
    wrapper.dataset.identifier = identifier;
    const iframe = document.createElement("iframe");
    iframe.id = `frame-${identifier}`;
    iframe.title = extension.label;
    iframe.setAttribute("sandbox", SANDBOX);
    const frame = { extension, iframe, token, origin: new URL(src).origin, loads: 0 };
    iframe.addEventListener("load", () => {
      frame.loads += 1;
      handshake(frame);
    });
    iframe.src = src;
    wrapper.appendChild(iframe);
    slot.appendChild(wrapper);
    // contentWindow exists once the iframe is in the document.
    state.frames.set(iframe.contentWindow, frame);
    return { src, token: Boolean(token) };
  }

  function close(identifier) {
    for (const [win, frame] of state.frames) {
      if (frame.extension.identifier !== identifier) continue;
      frame.iframe.parentElement.remove();
      state.frames.delete(win);
    }
    const popupBody = document.getElementById("popup-body");
    if (!popupBody.children.length) document.getElementById("popup").hidden = true;
  }

  function closeAll() {
    for (const frame of state.frames.values()) frame.iframe.parentElement.remove();
    state.frames.clear();
    document.getElementById("popup").hidden = true;
  }

  function setTheme(theme, options) {
    state.theme = theme;
    document.body.dataset.theme = theme;
    if (options && options.silent) return;
    for (const frame of state.frames.values()) post(frame, { type: "theme", payload: { theme } });
  }

  window.addEventListener("message", (event) => {
    const frame = state.frames.get(event.source);
    if (!frame || event.origin !== frame.origin) {
      state.errors.push(`message from an unknown frame or origin: ${event.origin}`);
      return;
    }
    const data = event.data || {};
    const payload = data.payload || {};
    state.actions.push({ identifier: frame.extension.identifier, type: data.type, payload });
    const respond = (ok) => post(frame, { type: "response", payload: { actionId: payload.actionId, ok } });
    switch (data.type) {
      case "notifyReady":
        respond(true);
        handshake(frame);
        post(frame, { type: "localeChanged", payload: { locale: "en" } });
        post(frame, { type: "theme", payload: { theme: state.theme } });
        break;
      case "widgetResize":
        if (typeof payload.height === "number" && payload.height > 0) {
          frame.iframe.style.height = `${Math.min(payload.height, 4000)}px`;
        }
        respond(true);
        break;
      case "popupClose":
        respond(true);
        close(frame.extension.identifier);
        break;
      case "notification":
      case "redirect":
      case "updateRouting":
      case "requestPermissions":
      case "refreshEntity":
      case "openPopup":
        respond(true);
        break;
      default:
        state.errors.push(`unknown action ${data.type}`);
        respond(false);
    }
  });

  window.standIn = {
    login,
    /** Saleor's API as the logged-in staff member (for ids the test needs). */
    gql: (query, variables) => gql(query, variables, state.userToken),
    loadExtensions,
    open,
    close,
    closeAll,
    setTheme,
    get actions() {
      return state.actions;
    },
    get handshakes() {
      return state.handshakes;
    },
    get errors() {
      return state.errors;
    },
    get extensions() {
      return state.extensions;
    },
  };
})();
