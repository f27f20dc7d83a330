import { screen, waitFor, within } from "@testing-library/react";

import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension } from "../test/render";

const PRODUCT = "UHJvZHVjdDo3Mg==";
const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";

function renderWidget(routes: Routes = {}) {
  return renderExtension("product-widget", {
    query: `&productId=${encodeURIComponent(PRODUCT)}`,
    routes: {
      ProductOptions: fixture("ProductOptions.set"),
      SyncStatuses: fixture("SyncStatuses.two"),
      ProductListing: fixture("ProductListing.de"),
      SaleorAttributes: fixture("SaleorAttributes.some"),
      ...routes,
    },
  });
}

describe("product widget", () => {
  it("shows the product type, its mappings and the listing with Amazon's issues next to what was sent", async () => {
    const { api } = renderWidget();
    expect(screen.getByRole("status", { name: "Loading Amazon options…" })).toBeInTheDocument();
    expect(await screen.findByTestId("product-type-value")).toHaveTextContent("SHIRT (inherited)");
    expect(screen.getByRole("region", { name: "Mapping for brand" })).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Exclude from Amazon" })).not.toBeChecked();

    const sent = await screen.findByRole("table", { name: "Sent for TSHIRT-RED-M (listings)" });
    const rowOf = (key: string) => within(sent).getByText(key).closest("tr") as HTMLElement;
    // Amazon's issue next to the value actually sent for its attribute.
    const fabric = rowOf("fabric_type");
    expect(within(fabric).getByText("Baumwolle")).toBeInTheDocument();
    expect(within(fabric).getByText("90244: The value 'Baumwolle' is not valid for 'fabric_type'.")).toBeInTheDocument();
    expect(within(rowOf("bullet_point")).getByText("100% cotton, Machine washable")).toBeInTheDocument();
    // The offer stays price and quantity, with the offer's issues there.
    const price = rowOf("price");
    expect(within(price).getByText("19.99")).toBeInTheDocument();
    expect(within(price).getByText("8560: The price is below the minimum allowed.")).toBeInTheDocument();
    expect(within(rowOf("quantity")).getByText("7")).toBeInTheDocument();
    expect(within(sent).queryByText("purchasable_offer")).not.toBeInTheDocument();
    expect(within(sent).queryByText("fulfillment_availability")).not.toBeInTheDocument();
    const brand = rowOf("brand");
    expect(within(brand).getByText("Acme")).toBeInTheDocument();
    expect(within(brand).queryByText(/:/)).not.toBeInTheDocument();
    // An issue about an attribute that was not sent is listed under the table.
    expect(screen.getByText("item_package_weight: 90220: 'item_package_weight' is required but not supplied.")).toBeInTheDocument();
    expect(screen.getByText("REJECTED")).toBeInTheDocument();
    expect(screen.getByText(/TSHIRT-RED-S \(listings\): The variant has no price in channel Channel-EUR\./)).toBeInTheDocument();
    expect(api.callsOf("ProductListing")[0]?.variables).toEqual({ productId: PRODUCT, marketplaceId: MP_DE });
  });

  it("reports its height to the dashboard", async () => {
    Object.defineProperty(HTMLElement.prototype, "scrollHeight", { configurable: true, get: () => 480 });
    try {
      const { bridge } = renderWidget();
      await screen.findByTestId("product-type-value");
      await waitFor(() => expect(bridge.actionsOf("widgetResize")[0]?.payload).toMatchObject({ height: 480 }));
    } finally {
      delete (HTMLElement.prototype as { scrollHeight?: number }).scrollHeight;
    }
  });

  it("searches Amazon's product types and saves the choice for the marketplace", async () => {
    const { user, api, bridge } = renderWidget({ ProductTypeSearch: fixture("ProductTypeSearch.dress"), ProductOptionsUpdate: fixture("ProductOptionsUpdate.ok") });
    await screen.findByTestId("product-type-value");
    await user.click(screen.getByRole("button", { name: "Change" }));
    await user.type(screen.getByLabelText("Search Amazon product types"), "dress");
    await user.click(screen.getByRole("button", { name: "Search" }));
    const results = await screen.findByRole("list", { name: "Amazon product types" });
    expect(within(results).getByText("Skirt")).toBeInTheDocument();
    await user.click(within(results).getByRole("button", { name: "Use DRESS" }));
    expect(screen.getByTestId("product-type-value")).toHaveTextContent("DRESS");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(bridge.actionsOf("notification")).toHaveLength(1));
    expect(api.callsOf("ProductTypeSearch")[0]?.variables).toEqual({ marketplaceId: MP_DE, keywords: "dress" });
    expect(api.callsOf("ProductOptionsUpdate")[0]?.variables).toEqual({
      productId: PRODUCT,
      input: {
        productTypes: [
          { marketplaceId: "*", productType: "SHIRT" },
          { marketplaceId: "A1PA6795UKMFR9", productType: "DRESS" },
        ],
        mappings: [{ amazonAttribute: "brand", sources: ["literal:Acme"] }],
        exclude: false,
      },
    });
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("shows the API's error next to the product type", async () => {
    const { user } = renderWidget({ ProductTypeSearch: fixture("ProductTypeSearch.dress"), ProductOptionsUpdate: fixture("ProductOptionsUpdate.errors") });
    await screen.findByTestId("product-type-value");
    await user.click(screen.getByRole("button", { name: "Change" }));
    await user.click(screen.getByRole("button", { name: "Search" }));
    await user.click(await screen.findByRole("button", { name: "Use DRESS" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    const chooser = screen.getByRole("region", { name: "Product type on Amazon DE (A1PA6795UKMFR9)" });
    expect(await within(chooser).findByText("Amazon has no product type DRES in A1PA6795UKMFR9.")).toBeInTheDocument();
  });

  it("excludes the product from Amazon", async () => {
    const { user, api, bridge } = renderWidget({ ProductOptionsUpdate: fixture("ProductOptionsUpdate.excluded") });
    await user.click(await screen.findByRole("checkbox", { name: "Exclude from Amazon" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ text: "The product is kept off Amazon." }));
    expect(api.callsOf("ProductOptionsUpdate")[0]?.variables).toMatchObject({ input: { exclude: true } });
    expect(screen.getByRole("checkbox", { name: "Exclude from Amazon" })).toBeChecked();
  });

  it("edits the product-level mappings", async () => {
    const { user, api } = renderWidget({ ProductOptionsUpdate: fixture("ProductOptionsUpdate.ok") });
    await screen.findByTestId("product-type-value");
    const brand = screen.getByRole("region", { name: "Mapping for brand" });
    await user.type(within(brand).getByLabelText("Add a source"), "attribute:brand{Enter}");
    await user.click(within(brand).getByRole("button", { name: "Move attribute:brand up" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(api.callsOf("ProductOptionsUpdate")).toHaveLength(1));
    expect(api.callsOf("ProductOptionsUpdate")[0]?.variables).toMatchObject({ input: { mappings: [{ amazonAttribute: "brand", sources: ["attribute:brand", "literal:Acme"] }] } });
  });

  it("validates the product on Amazon and lists the issues", async () => {
    const { user, api, bridge } = renderWidget({ ValidateProduct: fixture("ValidateProduct.invalid") });
    await user.click(await screen.findByRole("button", { name: "Validate on Amazon" }));
    const result = await screen.findByRole("region", { name: "Validation result" });
    expect(within(result).getByText("INVALID")).toBeInTheDocument();
    expect(within(result).getByText(/TSHIRT-RED-M · fabric_type: 90220: 'fabric_type' is required/)).toBeInTheDocument();
    expect(api.callsOf("ValidateProduct")[0]?.variables).toEqual({ productId: PRODUCT, marketplaceId: MP_DE });
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "warning", title: "Amazon found problems" });
  });

  it("says when the product was never sent", async () => {
    renderWidget({ ProductListing: fixture("ProductListing.none") });
    expect(await screen.findByText("Not sent to Amazon yet")).toBeInTheDocument();
  });

  it("warns about malformed options another client stored", async () => {
    renderWidget({ ProductOptions: fixture("ProductOptions.malformed") });
    expect(await screen.findByText("The stored options have problems")).toBeInTheDocument();
    expect(screen.getByText(/Unknown source 'colour_name'/)).toBeInTheDocument();
  });

  it("tells a user without MANAGE_PRODUCTS why the card is empty", async () => {
    renderWidget({ ProductOptions: { data: null, errors: [{ message: "denied", path: ["amazonProductOptions"], extensions: { exceptionCode: "PermissionDenied" } }] } });
    expect(await screen.findByText(/Seeing this product's Amazon options needs the “Manage products” permission/)).toBeInTheDocument();
  });

  it("leads to the Amazon page when no marketplace exists", async () => {
    renderWidget({ SyncStatuses: fixture("SyncStatuses.empty") });
    expect(await screen.findByText("No Amazon marketplace yet")).toBeInTheDocument();
  });
});
