import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState, type ReactNode } from "react";

import { useMutation, useQuery } from "../../api/hooks";
import type { MarketplaceChoice } from "../../api/marketplaces";
import { SentValuesWithIssues } from "../../catalog/SentValues";
import { FormErrors } from "../../components/FormErrors";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { StatusChip } from "../../components/Layout";
import { EmptyState, ErrorNotice, Loading } from "../../components/PageStates";
import { useDashboard } from "../../dashboard/DashboardContext";
import { ProductListingDocument, ValidateProductDocument, type ValidateProductMutation } from "../../gql/plugin/graphql";

type Validation = NonNullable<ValidateProductMutation["amazonValidateProduct"]>;

/** "Validate on Amazon": Listings Items VALIDATION_PREVIEW, nothing saved at Amazon. */
function ValidateOnAmazon({ productId, marketplace }: { productId: string; marketplace: MarketplaceChoice }) {
  const { notify } = useDashboard();
  const validate = useMutation(ValidateProductDocument, (d) => d.amazonValidateProduct);
  const [result, setResult] = useState<Validation | null>(null);

  const run = async () => {
    setResult(null);
    const outcome = await validate.mutate({ productId, marketplaceId: marketplace.id });
    const payload = outcome.data?.amazonValidateProduct;
    if (outcome.ok && payload) {
      setResult(payload);
      notify(
        payload.status === "VALID"
          ? { status: "success", title: "Amazon accepts this product", text: marketplaceLabel(marketplace) }
          : { status: "warning", title: "Amazon found problems", text: `${payload.issues.length} issue${payload.issues.length === 1 ? "" : "s"} on ${marketplaceLabel(marketplace)}.` },
      );
    }
  };

  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Box>
        <Button variant="secondary" onClick={() => void run()} disabled={validate.running}>
          {validate.running ? "Asking Amazon…" : "Validate on Amazon"}
        </Button>
      </Box>
      {validate.running ? <Loading label="Amazon is validating the listing…" /> : null}
      <FormErrors errors={validate.fieldErrors} placed={[]} />
      {validate.error ? <ErrorNotice error={validate.error} /> : null}
      {result ? (
        <Box display="flex" flexDirection="column" gap={1} aria-label="Validation result" as="section">
          <Box display="flex" gap={2} alignItems="center">
            <StatusChip status={result.status ?? "NEW"} />
            <Text size={2} color="default2">
              {result.status === "VALID" ? "Amazon found no errors." : "Amazon would not accept this listing as it is:"}
            </Text>
          </Box>
          {result.issues.map((issue, index) => (
            <Text key={index} size={2} color={issue.severity.toUpperCase() === "ERROR" ? "critical1" : "warning1"}>
              {issue.sku} · {issue.attributes.join(", ") || "listing"}: {issue.code ? `${issue.code}: ` : ""}
              {issue.message}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

/** Each SKU's listing state on one marketplace, with Amazon's issues next to what was sent. */
export function ListingStatus({ productId, marketplace }: { productId: string; marketplace: MarketplaceChoice }) {
  const listing = useQuery(ProductListingDocument, { productId, marketplaceId: marketplace.id });

  let content: ReactNode;
  if (listing.error) {
    content = <ErrorNotice error={listing.error} permission="MANAGE_PRODUCTS" what="the listing status" onRetry={() => void listing.refetch()} />;
  } else if (!listing.data) {
    content = <Loading label="Loading the listing status…" />;
  } else {
    const data = listing.data.amazonProductListing;
    const skus = data?.skus ?? [];
    const problems = data?.problems ?? [];
    content = (
      <Box display="flex" flexDirection="column" gap={3}>
        {problems.length ? (
          <Box as="section" aria-label="Left out" display="flex" flexDirection="column" gap={1}>
            <Text size={3} fontWeight="medium">
              Left out of the last feed
            </Text>
            {problems.map((problem, index) => (
              <Text key={index} size={2} color={problem.severity.toUpperCase() === "ERROR" ? "critical1" : "warning1"}>
                {problem.sku || "Product"} ({problem.kind.toLowerCase()}){problem.attribute ? ` · ${problem.attribute}` : ""}: {problem.reason}
              </Text>
            ))}
          </Box>
        ) : null}
        {skus.length === 0 ? <EmptyState title="Not sent to Amazon yet">Submit feeds, or wait for automatic sync.</EmptyState> : null}
        {skus.map((sku) => (
          <Box key={`${sku.sku}-${sku.kind}`} as="section" aria-label={`${sku.sku} ${sku.kind}`} display="flex" flexDirection="column" gap={2}>
            <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
              <Text size={3} fontWeight="bold" fontFamily="Geist Mono">
                {sku.sku}
              </Text>
              <Text size={2} color="default2">
                {sku.kind.toLowerCase()}
              </Text>
              <StatusChip status={sku.status} />
            </Box>
            <Text size={1} color="default2">
              Sent {formatDateTime(sku.sentAt)} · accepted {formatDateTime(sku.acceptedAt)}
            </Text>
            <SentValuesWithIssues sentValues={sku.sentValues} issues={sku.issues} label={`Sent for ${sku.sku} (${sku.kind.toLowerCase()})`} />
          </Box>
        ))}
      </Box>
    );
  }

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      {content}
      <ValidateOnAmazon productId={productId} marketplace={marketplace} />
    </Box>
  );
}
