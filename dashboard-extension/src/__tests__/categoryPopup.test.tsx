import { screen, waitFor, within } from "@testing-library/react";

import type { Routes } from "../test/fakeGraphql";
import { fixture, renderExtension } from "../test/render";

const CATEGORY = "Q2F0ZWdvcnk6OQ==";

function renderPopup(routes: Routes = {}) {
  return renderExtension("category-popup", {
    query: `&categoryId=${encodeURIComponent(CATEGORY)}`,
    routes: { CategoryOptions: fixture("CategoryOptions.empty"), SyncStatuses: fixture("SyncStatuses.two"), SaleorAttributes: fixture("SaleorAttributes.some"), ...routes },
  });
}

describe("category Amazon options pop-up", () => {
  it("sets the product type for all marketplaces and a category mapping", async () => {
    const { user, api, bridge } = renderPopup({ ProductTypeSearch: fixture("ProductTypeSearch.dress"), CategoryOptionsUpdate: fixture("CategoryOptionsUpdate.ok") });
    const all = await screen.findByRole("region", { name: "All marketplaces" });
    expect(screen.getByRole("region", { name: "Amazon FR (A13V1IB3VIYZZH)" })).toBeInTheDocument();
    await user.click(within(all).getByRole("button", { name: "Change" }));
    await user.type(within(all).getByLabelText("Search Amazon product types"), "dress");
    await user.click(within(all).getByRole("button", { name: "Search" }));
    await user.click(await within(all).findByRole("button", { name: "Use DRESS" }));

    await user.type(screen.getByLabelText("Amazon attribute to map"), "material");
    await user.click(screen.getByRole("button", { name: "Add mapping" }));
    const material = screen.getByRole("region", { name: "Mapping for material" });
    await user.type(within(material).getByLabelText("Add a source"), "attribute:material{Enter}");
    await user.type(within(material).getByLabelText("Add a source"), "literal:Cotton{Enter}");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "success", title: "Amazon options saved" }));
    expect(api.callsOf("CategoryOptionsUpdate")[0]?.variables).toEqual({
      categoryId: CATEGORY,
      input: { productTypes: [{ marketplaceId: "*", productType: "DRESS" }], mappings: [{ amazonAttribute: "material", sources: ["attribute:material", "literal:Cotton"] }] },
    });
    // Search ran against a marketplace even for "all marketplaces".
    expect(api.callsOf("ProductTypeSearch")[0]?.variables).toEqual({ marketplaceId: "QW1hem9uTWFya2V0cGxhY2U6MQ==", keywords: "dress" });
  });

  it("shows a refused source next to its mapping", async () => {
    const { user } = renderPopup({ CategoryOptionsUpdate: fixture("CategoryOptionsUpdate.errors") });
    await user.type(await screen.findByLabelText("Amazon attribute to map"), "material");
    await user.click(screen.getByRole("button", { name: "Add mapping" }));
    const material = screen.getByRole("region", { name: "Mapping for material" });
    await user.type(within(material).getByLabelText("Add a source"), "attribute:materal{Enter}");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await within(material).findByText("No Saleor attribute with slug 'materal'")).toBeInTheDocument();
  });

  it("closes through the dashboard", async () => {
    const { user, bridge } = renderPopup();
    await user.click(await screen.findByRole("button", { name: "Close" }));
    expect(bridge.actionsOf("popupClose")).toHaveLength(1);
  });

  it("tells a user without MANAGE_PRODUCTS what is missing", async () => {
    renderPopup({ CategoryOptions: { data: null, errors: [{ message: "denied", path: ["amazonCategoryOptions"], extensions: { exceptionCode: "PermissionDenied" } }] } });
    expect(await screen.findByText(/Seeing a category's Amazon options needs the “Manage products” permission/)).toBeInTheDocument();
  });
});
