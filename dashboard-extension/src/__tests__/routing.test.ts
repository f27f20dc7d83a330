import { createClient, pluginGraphqlUrl } from "../api/client";
import { classify, errorFor, unplacedErrors } from "../api/errors";
import { readPageParams } from "../pageParams";
import { routeFor } from "../routes";

describe("routes", () => {
  it.each([
    ["/plugins/global/saleor.amazon_feeds/dashboard/app", "app"],
    ["/plugins/global/saleor.amazon_feeds/dashboard/app/", "app"],
    ["/plugins/global/saleor.amazon_feeds/dashboard/widgets/product", "product-widget"],
    ["/plugins/global/saleor.amazon_feeds/dashboard/widgets/order/", "order-widget"],
    ["/plugins/global/saleor.amazon_feeds/dashboard/popups/category", "category-popup"],
    ["/plugins/global/saleor.amazon_feeds/dashboard/", "unknown"],
  ])("%s -> %s", (path, route) => {
    expect(routeFor(path)).toBe(route);
  });
});

describe("page params", () => {
  it("reads what the dashboard passes, first value winning", () => {
    const params = readPageParams(
      "?domain=shop.test&saleorApiUrl=http%3A%2F%2Fshop.test%2Fgraphql%2F&id=QXBwOjE%3D&productId=UHJvZHVjdDo3Mg%3D%3D&theme=dark&domain=other&id=second",
    );
    expect(params).toEqual({
      appId: "QXBwOjE=",
      domain: "shop.test",
      saleorApiUrl: "http://shop.test/graphql/",
      theme: "dark",
      productId: "UHJvZHVjdDo3Mg==",
      categoryId: null,
      orderId: null,
    });
  });
});

describe("GraphQL client", () => {
  it("talks to the plugin's endpoint next to the dashboard build", () => {
    expect(pluginGraphqlUrl("/plugins/global/saleor.amazon_feeds/dashboard/", "https://shop.example")).toBe(
      "https://shop.example/plugins/global/saleor.amazon_feeds/graphql/",
    );
  });

  it("keeps an answer whose only errors are on single fields", async () => {
    const client = createClient({
      url: () => "http://x/graphql/",
      token: () => "t",
      fetchImpl: async () =>
        new Response(
          JSON.stringify({
            data: { amazonMarketplace: { id: "1", lastError: null } },
            errors: [{ message: "denied", path: ["amazonMarketplace", "lastError"], extensions: { exceptionCode: "PermissionDenied" } }],
          }),
        ),
    });
    const result = await client.request({ toString: () => "query A { a }" } as never, {});
    expect(result.data).toEqual({ amazonMarketplace: { id: "1", lastError: null } });
    expect(result.fieldErrors).toHaveLength(1);
  });

  it("reads a 400 answer's errors", async () => {
    const client = createClient({
      url: () => "http://x/graphql/",
      token: () => "t",
      fetchImpl: async () =>
        new Response(
          JSON.stringify({ data: null, errors: [{ message: "Bad input", extensions: { exceptionCode: "InputError", errors: [{ field: "first", code: "INVALID", message: "Too many." }] } }] }),
          { status: 400 },
        ),
    });
    await expect(client.request({ toString: () => "query A { a }" } as never, {})).rejects.toMatchObject({
      kind: "input",
      fieldErrors: [{ field: "first", code: "INVALID", message: "Too many." }],
    });
  });

  it("refuses to call without a token", async () => {
    const client = createClient({ url: () => "http://x/", token: () => null });
    await expect(client.request({ toString: () => "query A { a }" } as never, {})).rejects.toMatchObject({ kind: "no-token" });
  });
});

describe("error classification", () => {
  it("puts an expired session before anything else", () => {
    expect(classify([{ message: "Signature has expired", extensions: { code: "UNAUTHENTICATED" } }]).kind).toBe("unauthenticated");
    expect(classify([{ message: "x", extensions: { exceptionCode: "ExpiredSignatureError" } }]).kind).toBe("unauthenticated");
    expect(classify([{ message: "x", extensions: { exceptionCode: "PermissionDenied" } }]).kind).toBe("permission");
    expect(classify([{ message: "x", extensions: { amazonCode: "QuotaExceeded" } }]).kind).toBe("amazon");
  });

  it("finds field errors by name, with or without the input prefix", () => {
    const errors = [
      { field: "input.sellerId", code: "INVALID", message: "Bad seller." },
      { field: "productTypes[0].productType", code: "INVALID", message: "Bad type." },
      { field: null, code: "INVALID", message: "Whole input." },
    ];
    expect(errorFor(errors, "sellerId")).toBe("Bad seller.");
    expect(unplacedErrors(errors, ["sellerId", "productTypes"]).map((e) => e.message)).toEqual(["Whole input."]);
  });
});
