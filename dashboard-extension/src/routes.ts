/**
 * One build serves every extension: the page is chosen by the end of the URL
 * path, so the same files work under any prefix the plugin serves them from
 * (e.g. /plugins/global/saleor.amazon_feeds/dashboard/widgets/product).
 */
export type Route = "app" | "product-widget" | "order-widget" | "category-popup" | "unknown";

const SUFFIXES: ReadonlyArray<[string, Route]> = [
  ["/widgets/product", "product-widget"],
  ["/widgets/order", "order-widget"],
  ["/popups/category", "category-popup"],
  ["/app", "app"],
];

export function routeFor(pathname: string): Route {
  const path = pathname.replace(/\/(index\.html)?$/, "");
  for (const [suffix, route] of SUFFIXES) {
    if (path.endsWith(suffix)) return route;
  }
  return "unknown";
}
