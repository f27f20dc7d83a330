import { Box, Button, Text } from "@saleor/macaw-ui";
import { ShieldCheck } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";

import { useMutation, useQuery } from "../../api/hooks";
import { OptionMappingsEditor } from "../../catalog/OptionMappingsEditor";
import { ANY_MARKETPLACE, draftFromOptions, inputFromDraft, productTypeError, sameDraft, setProductType, type OptionsDraft } from "../../catalog/optionsDraft";
import { ProductTypeChooser } from "../../catalog/ProductTypeChooser";
import { CheckboxField, SelectField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { marketplaceLabel } from "../../components/format";
import { ErrorNotice, EmptyState, Loading, Notice } from "../../components/PageStates";
import { useDashboard } from "../../dashboard/DashboardContext";
import { useWidgetHeight } from "../../dashboard/useWidgetHeight";
import { ProductOptionsDocument, ProductOptionsUpdateDocument, SyncStatusesDocument } from "../../gql/plugin/graphql";
import { ListingStatus } from "./ListingStatus";

function WidgetSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box as="section" aria-label={title} display="flex" flexDirection="column" gap={2} paddingY={3} borderTopStyle="solid" borderTopWidth={1} borderColor="default1">
      <Text size={4} fontWeight="bold">
        {title}
      </Text>
      {children}
    </Box>
  );
}

/** The "Amazon" card on a product page (PRODUCT_DETAILS_WIDGETS). */
export function ProductWidget({ productId }: { productId: string }) {
  const rootRef = useRef<HTMLDivElement>(null);
  useWidgetHeight(rootRef);
  const { notify } = useDashboard();
  const options = useQuery(ProductOptionsDocument, { productId });
  const marketplaces = useQuery(SyncStatusesDocument, {});
  const update = useMutation(ProductOptionsUpdateDocument, (d) => d.amazonProductOptionsUpdate);
  const [saved, setSaved] = useState<OptionsDraft | null>(null);
  const [draft, setDraft] = useState<OptionsDraft | null>(null);
  const [keys, setKeys] = useState<string[]>([]);
  const [marketplaceId, setMarketplaceId] = useState<string | null>(null);

  useEffect(() => {
    if (options.data) {
      const fresh = draftFromOptions(options.data.amazonProductOptions);
      setSaved(fresh);
      setDraft(fresh);
    }
  }, [options.data]);

  const markets = (marketplaces.data?.amazonSyncStatus ?? []).map((s) => s.marketplace);
  const market = markets.find((m) => m.id === marketplaceId) ?? markets[0];

  const save = async () => {
    if (!draft) return;
    const { input, productTypeKeys } = inputFromDraft(draft, { withExclude: true });
    setKeys(productTypeKeys);
    const outcome = await update.mutate({ productId, input });
    const fresh = outcome.data?.amazonProductOptionsUpdate?.options;
    if (outcome.ok && fresh) {
      const next = draftFromOptions(fresh);
      setSaved(next);
      setDraft(next);
      notify({ status: "success", title: "Amazon options saved", text: next.exclude ? "The product is kept off Amazon." : "Sent to Amazon on the next sync." });
    }
  };

  let body: ReactNode;
  if (options.error) {
    body = <ErrorNotice error={options.error} permission="MANAGE_PRODUCTS" what="this product's Amazon options" onRetry={() => void options.refetch()} />;
  } else if (marketplaces.error) {
    body = <ErrorNotice error={marketplaces.error} permission="MANAGE_PRODUCTS" what="Amazon marketplaces" onRetry={() => void marketplaces.refetch()} />;
  } else if (!draft || !saved || !marketplaces.data) {
    body = <Loading label="Loading Amazon options…" />;
  } else if (!market) {
    body = <EmptyState title="No Amazon marketplace yet">Configure one on the Amazon page first.</EmptyState>;
  } else {
    const errors = update.fieldErrors;
    body = (
      <>
        {options.data?.amazonProductOptions?.issues.length ? (
          <Notice tone="warning" title="The stored options have problems">
            {options.data.amazonProductOptions.issues.map((i) => `${i.field}: ${i.message}`).join(" ")}
          </Notice>
        ) : null}
        <CheckboxField
          label="Exclude from Amazon"
          checked={draft.exclude}
          onChange={(exclude) => setDraft({ ...draft, exclude })}
          description="Its listings are deleted from Amazon on the next sync."
        />
        {markets.length > 1 ? (
          <SelectField label="Marketplace" value={market.id} options={markets.map((m) => ({ label: marketplaceLabel(m), value: m.id }))} onChange={setMarketplaceId} />
        ) : (
          <Text size={3} fontWeight="medium">
            {marketplaceLabel(market)}
          </Text>
        )}
        <WidgetSection title="Product type">
          <ProductTypeChooser
            label={`Product type on ${marketplaceLabel(market)}`}
            value={draft.productTypes[market.marketplaceId] ?? null}
            inheritedHint={draft.productTypes[ANY_MARKETPLACE]}
            searchMarketplaceId={market.id}
            onChange={(type) => setDraft(setProductType(draft, market.marketplaceId, type))}
            error={productTypeError(errors, keys, market.marketplaceId)}
          />
          {draft.productTypes[ANY_MARKETPLACE] ? (
            <Text size={2} color="default2">
              All marketplaces: {draft.productTypes[ANY_MARKETPLACE]}
            </Text>
          ) : (
            <Text size={2} color="default2">
              Without one here, the category's product type is used.
            </Text>
          )}
        </WidgetSection>
        <WidgetSection title="Fields mapping">
          <OptionMappingsEditor
            mappings={draft.mappings}
            onChange={(mappings) => setDraft({ ...draft, mappings })}
            errors={errors}
            inheritNote="Product mappings win over the category's and the marketplace's."
          />
        </WidgetSection>
        <FormErrors errors={errors} placed={["productTypes", "mappings", "exclude"]} />
        {update.error ? <ErrorNotice error={update.error} /> : null}
        <Box display="flex" gap={2} justifyContent="flex-end">
          <Button variant="tertiary" disabled={sameDraft(draft, saved)} onClick={() => setDraft(saved)}>
            Discard
          </Button>
          <Button variant="primary" disabled={update.running || sameDraft(draft, saved)} onClick={() => void save()}>
            {update.running ? "Saving…" : "Save"}
          </Button>
        </Box>
        <WidgetSection title="Listing on Amazon">
          <ListingStatus productId={productId} marketplace={market} />
        </WidgetSection>
      </>
    );
  }

  return (
    <Box ref={rootRef} display="flex" flexDirection="column" gap={3} padding={4}>
      <Box display="flex" alignItems="center" gap={2}>
        <ShieldCheck size={16} aria-hidden />
        <Text size={5} fontWeight="bold">
          Amazon
        </Text>
      </Box>
      {body}
    </Box>
  );
}
