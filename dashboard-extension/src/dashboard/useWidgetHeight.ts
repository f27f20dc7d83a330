import { actions } from "@saleor/app-sdk/app-bridge";
import { useEffect, useRef, type RefObject } from "react";

import { useDashboard } from "./DashboardContext";

/**
 * Tells the dashboard how tall a widget's content is (the `widgetResize`
 * action), so the card grows with what it shows instead of a fixed box.
 * Measures a wrapper, not <body>, which stretches with the iframe.
 */
export function useWidgetHeight(rootRef: RefObject<HTMLElement | null>) {
  const { bridge } = useDashboard();
  const lastHeight = useRef(0);

  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const report = () => {
      const height = Math.ceil(root.scrollHeight || root.getBoundingClientRect().height);
      if (!Number.isFinite(height) || height <= 0 || height === lastHeight.current) return;
      lastHeight.current = height;
      bridge.dispatch(actions.WidgetResize({ height })).catch(() => undefined);
    };
    report();
    if (typeof ResizeObserver === "undefined") {
      const timer = window.setInterval(report, 500);
      return () => window.clearInterval(timer);
    }
    const observer = new ResizeObserver(report);
    observer.observe(root);
    return () => observer.disconnect();
  }, [bridge, rootRef]);
}
