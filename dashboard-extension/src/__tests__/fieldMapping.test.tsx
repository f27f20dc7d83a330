import { screen, waitFor, within } from "@testing-library/react";

import { FieldMappingDialog } from "../pages/amazon/FieldMappingDialog";
import type { Routes } from "../test/fakeGraphql";
import { fixture, renderInDashboard } from "../test/render";

const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";
const MAPPINGS = [
  { id: "QW1hem9uRmllbGRNYXBwaW5nOjE=", amazonAttribute: "brand", sources: ["attribute:brand", "metadata:brand", "literal:Acme"] },
  { id: "QW1hem9uRmllbGRNYXBwaW5nOjI=", amazonAttribute: "externally_assigned_product_identifier", sources: ["gtin:ean"] },
];

const sourcesOf = (attribute: string) =>
  within(screen.getByRole("list", { name: `Sources for ${attribute}` }))
    .getAllByRole("listitem")
    .map((li) => li.textContent);

function renderDialog(routes: Routes) {
  const onChanged = vi.fn();
  const view = renderInDashboard(<FieldMappingDialog marketplaceId={MP_DE} mappings={MAPPINGS} onChanged={onChanged} onClose={() => undefined} />, {
    routes: { SaleorAttributes: fixture("SaleorAttributes.some"), ...routes },
  });
  return { ...view, onChanged };
}

describe("fields mapping pop-up", () => {
  it("lists the marketplace's mappings with their ordered sources", async () => {
    renderDialog({});
    const dialog = await screen.findByRole("dialog", { name: "Fields mapping" });
    const table = within(dialog).getByRole("table", { name: "Field mappings" });
    expect(within(table).getByText("Brand")).toBeInTheDocument();
    expect(sourcesOf("brand")).toEqual(["attribute:brand", "metadata:brand", "literal:Acme"]);
  });

  it("adds a mapping with sources in the order given", async () => {
    const { user, api, onChanged, bridge } = renderDialog({ FieldMappingCreate: fixture("FieldMappingCreate.ok") });
    await user.click(await screen.findByRole("button", { name: "Add mapping" }));
    await user.type(screen.getByLabelText("Amazon attribute"), "item_name");
    const source = screen.getByLabelText("Add a source");
    await user.type(source, "product.name{Enter}");
    await user.type(source, "product.seo_title");
    await user.click(screen.getByRole("button", { name: "Add source" }));
    // The SEO title should win when it is set: move it first.
    await user.click(screen.getByRole("button", { name: "Move product.seo_title up" }));
    await user.click(screen.getByRole("button", { name: "Save mapping" }));

    await screen.findByRole("list", { name: "Sources for item_name" });
    expect(sourcesOf("item_name")).toEqual(["product.seo_title", "product.name"]);
    expect(api.callsOf("FieldMappingCreate")[0]?.variables).toEqual({
      input: { marketplaceId: MP_DE, amazonAttribute: "item_name", sources: ["product.seo_title", "product.name"] },
    });
    expect(onChanged).toHaveBeenCalled();
    expect(bridge.actionsOf("notification").at(-1)?.payload).toMatchObject({ status: "success", title: "item_name mapped" });
  });

  it("reorders an existing mapping in place", async () => {
    const { user, api, onChanged, bridge } = renderDialog({ FieldMappingUpdate: fixture("FieldMappingUpdate.brand") });
    await user.click(await screen.findByRole("button", { name: "Edit brand" }));
    const list = screen.getByRole("list", { name: "Saleor sources, first non-empty wins" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      expect.stringContaining("attribute:brand"),
      expect.stringContaining("metadata:brand"),
      expect.stringContaining("literal:Acme"),
    ]);
    expect(screen.getByLabelText("Amazon attribute")).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Move attribute:brand down" }));
    await user.click(screen.getByRole("button", { name: "Save mapping" }));

    await waitFor(() => expect(sourcesOf("brand")).toEqual(["metadata:brand", "attribute:brand", "literal:Acme"]));
    // One update of the same mapping: no delete and re-create.
    expect(api.callsOf("FieldMappingUpdate")).toHaveLength(1);
    expect(api.callsOf("FieldMappingUpdate")[0]?.variables).toEqual({ id: MAPPINGS[0]?.id, input: { sources: ["metadata:brand", "attribute:brand", "literal:Acme"] } });
    expect(api.callsOf("FieldMappingDelete")).toHaveLength(0);
    expect(api.callsOf("FieldMappingCreate")).toHaveLength(0);
    // It keeps its place in the list.
    const rows = within(screen.getByRole("table", { name: "Field mappings" })).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("brand");
    expect(rows[2]).toHaveTextContent("externally_assigned_product_identifier");
    expect(onChanged).toHaveBeenCalled();
    expect(bridge.actionsOf("notification").at(-1)?.payload).toMatchObject({ status: "success", title: "brand mapped" });
  });

  it("reorders by dragging a source onto another", async () => {
    const { user } = renderDialog({});
    await user.click(await screen.findByRole("button", { name: "Edit brand" }));
    const items = within(screen.getByRole("list", { name: "Saleor sources, first non-empty wins" })).getAllByRole("listitem");
    const { fireEvent } = await import("@testing-library/react");
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? "" };
    fireEvent.dragStart(items[2] as HTMLElement, { dataTransfer });
    fireEvent.dragOver(items[0] as HTMLElement, { dataTransfer });
    fireEvent.drop(items[0] as HTMLElement, { dataTransfer });
    const reordered = within(screen.getByRole("list", { name: "Saleor sources, first non-empty wins" })).getAllByRole("listitem");
    expect(reordered[0]).toHaveTextContent("literal:Acme");
    expect(reordered[1]).toHaveTextContent("attribute:brand");
  });

  it("deletes a mapping", async () => {
    const { user, api } = renderDialog({ FieldMappingDelete: fixture("FieldMappingDelete.ok") });
    await user.click(await screen.findByRole("button", { name: "Delete externally_assigned_product_identifier" }));
    await screen.findByRole("button", { name: "Delete brand" });
    expect(screen.queryByText("externally_assigned_product_identifier")).not.toBeInTheDocument();
    expect(api.callsOf("FieldMappingDelete")[0]?.variables).toEqual({ id: MAPPINGS[1]?.id });
  });

  it("shows a refused source next to the sources and keeps the mapping as it was", async () => {
    const { user, api, onChanged } = renderDialog({ FieldMappingUpdate: fixture("FieldMappingUpdate.errors") });
    await user.click(await screen.findByRole("button", { name: "Edit brand" }));
    await user.type(screen.getByLabelText("Add a source"), "attribute:colour{Enter}");
    await user.click(screen.getByRole("button", { name: "Save mapping" }));

    expect(await screen.findByText("No Saleor attribute with slug 'colour'")).toBeInTheDocument();
    expect(api.callsOf("FieldMappingUpdate")[0]?.variables).toEqual({
      id: MAPPINGS[0]?.id,
      input: { sources: ["attribute:brand", "metadata:brand", "literal:Acme", "attribute:colour"] },
    });
    // Nothing was deleted: the list still shows the stored sources, the editor the draft.
    expect(api.callsOf("FieldMappingDelete")).toHaveLength(0);
    expect(sourcesOf("brand")).toEqual(["attribute:brand", "metadata:brand", "literal:Acme"]);
    expect(screen.getByRole("button", { name: "Save mapping" })).toBeInTheDocument();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("shows why a new mapping was refused", async () => {
    const { user } = renderDialog({ FieldMappingCreate: fixture("FieldMappingCreate.errors") });
    await user.click(await screen.findByRole("button", { name: "Add mapping" }));
    await user.type(screen.getByLabelText("Amazon attribute"), "color");
    await user.type(screen.getByLabelText("Add a source"), "attribute:colour{Enter}");
    await user.click(screen.getByRole("button", { name: "Save mapping" }));
    expect(await screen.findByText("No Saleor attribute with slug 'colour'")).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Sources for color" })).not.toBeInTheDocument();
  });
});
