import { errorFor, type FieldError } from "../api/errors";
import type { AmazonCatalogOptionsInput, CatalogOptionsFieldsFragment } from "../gql/plugin/graphql";
import type { OptionMapping } from "./OptionMappingsEditor";

export const ANY_MARKETPLACE = "*";

/** Product type per Amazon marketplace ID (or "*"), mappings, exclusion. */
export type OptionsDraft = {
  productTypes: Record<string, string>;
  mappings: OptionMapping[];
  exclude: boolean;
};

export function draftFromOptions(options: CatalogOptionsFieldsFragment | null | undefined): OptionsDraft {
  return {
    productTypes: Object.fromEntries((options?.productTypes ?? []).map((c) => [c.marketplaceId, c.productType])),
    mappings: (options?.mappings ?? []).map((m) => ({ amazonAttribute: m.amazonAttribute, sources: [...m.sources] })),
    exclude: options?.exclude ?? false,
  };
}

/**
 * The input for an options update plus the marketplace key each
 * `productTypes[i]` stands for, so the API's indexed errors find their row.
 */
export function inputFromDraft(draft: OptionsDraft, { withExclude }: { withExclude: boolean }) {
  const keys = Object.keys(draft.productTypes).sort((a, b) => (a === ANY_MARKETPLACE ? -1 : b === ANY_MARKETPLACE ? 1 : a.localeCompare(b)));
  const input: AmazonCatalogOptionsInput = {
    productTypes: keys.map((marketplaceId) => ({ marketplaceId, productType: draft.productTypes[marketplaceId] as string })),
    mappings: draft.mappings.map((m) => ({ amazonAttribute: m.amazonAttribute, sources: m.sources })),
  };
  if (withExclude) input.exclude = draft.exclude;
  return { input, productTypeKeys: keys };
}

export function productTypeError(errors: FieldError[], keys: string[], key: string): string | undefined {
  const index = keys.indexOf(key);
  if (index < 0) return undefined;
  const messages = [errorFor(errors, `productTypes[${index}].productType`), errorFor(errors, `productTypes[${index}].marketplaceId`)].filter(Boolean);
  return messages.length ? messages.join(" ") : undefined;
}

export function sameDraft(a: OptionsDraft, b: OptionsDraft): boolean {
  return JSON.stringify(inputFromDraft(a, { withExclude: true }).input) === JSON.stringify(inputFromDraft(b, { withExclude: true }).input);
}

export function setProductType(draft: OptionsDraft, key: string, productType: string | null): OptionsDraft {
  const productTypes = { ...draft.productTypes };
  if (productType) productTypes[key] = productType;
  else delete productTypes[key];
  return { ...draft, productTypes };
}
