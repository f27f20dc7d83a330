import type { AppBridge } from "@saleor/app-sdk/app-bridge";

/**
 * The part of @saleor/app-sdk's AppBridge the pages use. Pages depend on this
 * shape rather than the class so tests can hand them a recording fake.
 */
export type DashboardBridge = Pick<AppBridge, "getState" | "dispatch" | "subscribe">;

export type DashboardAction = Parameters<AppBridge["dispatch"]>[0];
