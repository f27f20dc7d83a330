import { defineConfig } from "vitest/config";

// Served by the plugin under this prefix; override with DASHBOARD_BASE when the
// plugin's endpoint lives elsewhere. Absolute, because pages live at nested
// paths (widgets/product, popups/category) and relative asset URLs would
// resolve against those.
const base = process.env.DASHBOARD_BASE ?? "/plugins/global/saleor.amazon_feeds/dashboard/";

export default defineConfig({
  base: base.endsWith("/") ? base : `${base}/`,
  // Vite's own transform handles TSX; no React plugin needed (no fast refresh in builds).
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: process.env.DASHBOARD_OUT_DIR ?? "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    pool: "threads",
    maxWorkers: 2,
    testTimeout: 15_000,
  },
});
