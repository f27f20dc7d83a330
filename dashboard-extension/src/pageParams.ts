/**
 * What the dashboard puts in the iframe's query string. Widgets may repeat
 * `domain`/`saleorApiUrl`/`id`; URLSearchParams.get returns the first value,
 * which is the one the dashboard means.
 */
export type PageParams = {
  appId: string | null;
  domain: string | null;
  saleorApiUrl: string | null;
  theme: "light" | "dark";
  productId: string | null;
  categoryId: string | null;
  orderId: string | null;
};

export function readPageParams(search: string): PageParams {
  const query = new URLSearchParams(search);
  const value = (key: string) => {
    const raw = query.get(key);
    return raw && raw.trim() ? raw.trim() : null;
  };
  return {
    appId: value("id"),
    domain: value("domain"),
    saleorApiUrl: value("saleorApiUrl"),
    theme: value("theme") === "dark" ? "dark" : "light",
    productId: value("productId"),
    categoryId: value("categoryId"),
    orderId: value("orderId"),
  };
}
