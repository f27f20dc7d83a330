import { useTheme } from "@saleor/macaw-ui";
import { useEffect } from "react";

import { useDashboard } from "./DashboardContext";

/** Follows the dashboard's light/dark switch (the bridge's `theme` event). */
export function ThemeSync() {
  const { theme } = useDashboard();
  const { setTheme } = useTheme();
  useEffect(() => {
    setTheme(theme === "dark" ? "defaultDark" : "defaultLight");
  }, [theme, setTheme]);
  return null;
}
