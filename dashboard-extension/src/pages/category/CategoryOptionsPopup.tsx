import { actions } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { useMutation, useQuery } from "../../api/hooks";
import { OptionMappingsEditor } from "../../catalog/OptionMappingsEditor";
import { ANY_MARKETPLACE, draftFromOptions, inputFromDraft, productTypeError, sameDraft, setProductType, type OptionsDraft } from "../../catalog/optionsDraft";
import { ProductTypeChooser } from "../../catalog/ProductTypeChooser";
import { FormErrors } from "../../components/FormErrors";
import { marketplaceLabel } from "../../components/format";
import { Section } from "../../components/Layout";
import { ErrorNotice, Loading, Notice } from "../../components/PageStates";
import { useDashboard } from "../../dashboard/DashboardContext";
import { CategoryOptionsDocument, CategoryOptionsUpdateDocument, SyncStatusesDocument } from "../../gql/plugin/graphql";

/** "Amazon options" on a category (CATEGORY_DETAILS_MORE_ACTIONS, POPUP): product type and mappings for its products. */
export function CategoryOptionsPopup({ categoryId }: { categoryId: string }) {
  const { bridge, notify } = useDashboard();
  const options = useQuery(CategoryOptionsDocument, { categoryId });
  const marketplaces = useQuery(SyncStatusesDocument, {});
  const update = useMutation(CategoryOptionsUpdateDocument, (d) => d.amazonCategoryOptionsUpdate);
  const [saved, setSaved] = useState<OptionsDraft | null>(null);
  const [draft, setDraft] = useState<OptionsDraft | null>(null);
  const [keys, setKeys] = useState<string[]>([]);

  useEffect(() => {
    if (options.data) {
      const fresh = draftFromOptions(options.data.amazonCategoryOptions);
      setSaved(fresh);
      setDraft(fresh);
    }
  }, [options.data]);

  const close = () => void bridge.dispatch(actions.PopupClose()).catch(() => undefined);

  if (options.error) {
    return (
      <Box padding={4}>
        <ErrorNotice error={options.error} permission="MANAGE_PRODUCTS" what="a category's Amazon options" onRetry={() => void options.refetch()} />
      </Box>
    );
  }
  if (!draft || !saved) {
    return (
      <Box padding={4}>
        <Loading label="Loading the category's Amazon options…" />
      </Box>
    );
  }

  const markets = (marketplaces.data?.amazonSyncStatus ?? []).map((s) => s.marketplace);
  const firstMarket = markets[0]?.id ?? null;
  const errors = update.fieldErrors;

  const save = async () => {
    const { input, productTypeKeys } = inputFromDraft(draft, { withExclude: false });
    setKeys(productTypeKeys);
    const outcome = await update.mutate({ categoryId, input });
    const fresh = outcome.data?.amazonCategoryOptionsUpdate?.options;
    if (outcome.ok && fresh) {
      const next = draftFromOptions(fresh);
      setSaved(next);
      setDraft(next);
      notify({ status: "success", title: "Amazon options saved", text: "Products in this category are sent with them on the next sync." });
    }
  };

  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6}>
      <Text as="h1" size={7} fontWeight="bold">
        Amazon options
      </Text>
      {options.data?.amazonCategoryOptions?.issues.length ? (
        <Notice tone="warning" title="The stored options have problems">
          {options.data.amazonCategoryOptions.issues.map((i) => `${i.field}: ${i.message}`).join(" ")}
        </Notice>
      ) : null}
      <Section title="Amazon product type" description="Products in this category are listed as this type unless the product says otherwise.">
        {marketplaces.error ? <ErrorNotice error={marketplaces.error} permission="MANAGE_PRODUCTS" what="Amazon marketplaces" /> : null}
        <ProductTypeChooser
          label="All marketplaces"
          value={draft.productTypes[ANY_MARKETPLACE] ?? null}
          searchMarketplaceId={firstMarket}
          onChange={(type) => setDraft(setProductType(draft, ANY_MARKETPLACE, type))}
          error={productTypeError(errors, keys, ANY_MARKETPLACE)}
        />
        {markets.map((m) => (
          <ProductTypeChooser
            key={m.id}
            label={marketplaceLabel(m)}
            value={draft.productTypes[m.marketplaceId] ?? null}
            inheritedHint={draft.productTypes[ANY_MARKETPLACE]}
            searchMarketplaceId={m.id}
            onChange={(type) => setDraft(setProductType(draft, m.marketplaceId, type))}
            error={productTypeError(errors, keys, m.marketplaceId)}
          />
        ))}
      </Section>
      <Section title="Fields mapping">
        <OptionMappingsEditor
          mappings={draft.mappings}
          onChange={(mappings) => setDraft({ ...draft, mappings })}
          errors={errors}
          inheritNote="These win over the marketplace's mappings for products in this category; a product's own mappings win over these."
        />
      </Section>
      <FormErrors errors={errors} placed={["productTypes", "mappings"]} />
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <Box display="flex" gap={2} justifyContent="flex-end">
        <Button variant="tertiary" onClick={close}>
          Close
        </Button>
        <Button variant="primary" onClick={() => void save()} disabled={update.running || sameDraft(draft, saved)}>
          {update.running ? "Saving…" : "Save"}
        </Button>
      </Box>
    </Box>
  );
}
