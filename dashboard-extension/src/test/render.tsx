import { ThemeProvider } from "@saleor/macaw-ui";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { onTestFinished, vi } from "vitest";

import { DashboardProvider } from "../dashboard/DashboardContext";
import { listenToDashboard, type DashboardMessages } from "../dashboard/dashboardMessages";
import { ExtensionRoot } from "../ExtensionRoot";
import { readPageParams, type PageParams } from "../pageParams";
import type { Route } from "../routes";
import { createFakeBridge, type FakeBridge } from "./fakeBridge";
import { fakeGraphql, type Responder, type Routes } from "./fakeGraphql";

export const BASE = "/plugins/global/saleor.amazon_feeds/dashboard/";
export const ORIGIN = "http://shop.test";

type Options = {
  routes?: Routes;
  bridge?: FakeBridge;
  /** The early listener main.tsx starts; by default one started just before rendering. */
  messages?: DashboardMessages;
  query?: string;
  handshakeTimeoutMs?: number;
  /** Inside the dashboard's iframe (the default), or opened on its own. */
  framed?: boolean;
};

/** The early listener as main.tsx starts it, stopped when the test ends. */
export function startListening(): DashboardMessages {
  const messages = listenToDashboard();
  onTestFinished(() => messages.stop());
  return messages;
}

function setup({ routes = {}, bridge = createFakeBridge(), messages, query = "", framed = true }: Options) {
  if (framed) vi.spyOn(window, "parent", "get").mockReturnValue({} as Window);
  const api = fakeGraphql(routes);
  const params: PageParams = readPageParams(
    `?domain=shop.test&saleorApiUrl=${encodeURIComponent("http://shop.test/graphql/")}&id=QXBwOjE%3D&theme=light${query}`,
  );
  return { api, bridge, messages: messages ?? startListening(), params, user: userEvent.setup() };
}

/** A whole extension page as the dashboard would load it, on a fake bridge and recorded answers. */
export function renderExtension(route: Route, options: Options = {}) {
  const context = setup(options);
  const view = render(
    <ExtensionRoot
      bridge={context.bridge}
      messages={context.messages}
      params={context.params}
      route={route}
      fetchImpl={context.api.fetch}
      base={BASE}
      origin={ORIGIN}
      handshakeTimeoutMs={options.handshakeTimeoutMs}
    />,
  );
  return { ...context, ...view };
}

/** One component inside the dashboard's context (theme, bridge, API clients). */
export function renderInDashboard(element: ReactElement, options: Options = {}) {
  const context = setup(options);
  const view = render(
    <ThemeProvider>
      <DashboardProvider bridge={context.bridge} messages={context.messages} params={context.params} fetchImpl={context.api.fetch} base={BASE} origin={ORIGIN}>
        {element}
      </DashboardProvider>
    </ThemeProvider>,
  );
  return { ...context, ...view };
}

/** Fixtures by file name, e.g. fixture("Marketplaces.two"). */
const FIXTURES = import.meta.glob<{ default: Responder }>("../__fixtures__/*.json", { eager: true });
export function fixture(name: string): Responder {
  const module = FIXTURES[`../__fixtures__/${name}.json`];
  if (!module) throw new Error(`No fixture ${name}`);
  // A fresh copy: pages must never see another test's mutations.
  return JSON.parse(JSON.stringify(module.default)) as Responder;
}
