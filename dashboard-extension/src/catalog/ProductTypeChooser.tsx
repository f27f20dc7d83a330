import { Box, Button, Text } from "@saleor/macaw-ui";
import { Search } from "lucide-react";
import { useState } from "react";

import { useLazyQuery } from "../api/hooks";
import { TextField } from "../components/Fields";
import { InlineError } from "../components/FormErrors";
import { ErrorNotice, Loading } from "../components/PageStates";
import { ProductTypeSearchDocument } from "../gql/plugin/graphql";

/**
 * Shows the chosen Amazon product type and searches Amazon's Product Type
 * Definitions for another. `searchMarketplaceId` is the AmazonMarketplace ID
 * the search runs against (for "all marketplaces", any of them).
 */
export function ProductTypeChooser({
  label,
  value,
  inheritedHint,
  searchMarketplaceId,
  onChange,
  error,
}: {
  label: string;
  value: string | null;
  inheritedHint?: string;
  searchMarketplaceId: string | null;
  onChange(productType: string | null): void;
  error?: string;
}) {
  const search = useLazyQuery(ProductTypeSearchDocument);
  const [keywords, setKeywords] = useState("");
  const [open, setOpen] = useState(false);

  const runSearch = () => {
    if (!searchMarketplaceId) return;
    void search.run({ marketplaceId: searchMarketplaceId, keywords: keywords.trim() || null });
  };
  const results = search.data?.amazonProductTypes ?? [];

  return (
    <Box display="flex" flexDirection="column" gap={2} aria-label={label} as="section">
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
        <Box display="flex" flexDirection="column">
          <Text size={2} color="default2">
            {label}
          </Text>
          <Text size={4} fontWeight="medium" data-testid="product-type-value">
            {value ?? (inheritedHint ? `${inheritedHint} (inherited)` : "Not set")}
          </Text>
        </Box>
        <Box display="flex" gap={1}>
          {value ? (
            <Button variant="tertiary" size="small" onClick={() => onChange(null)} aria-label={`Clear ${label}`}>
              Clear
            </Button>
          ) : null}
          <Button variant="secondary" size="small" onClick={() => setOpen(!open)} disabled={!searchMarketplaceId} aria-expanded={open}>
            {open ? "Close search" : "Change"}
          </Button>
        </Box>
      </Box>
      <InlineError message={error} />
      {open ? (
        <Box display="flex" flexDirection="column" gap={2}>
          <Box display="flex" gap={2} alignItems="flex-start">
            <Box flexGrow="1">
              <TextField label="Search Amazon product types" value={keywords} onChange={setKeywords} placeholder="e.g. shirt, mug" />
            </Box>
            <Button variant="secondary" icon={<Search size={16} />} onClick={runSearch} disabled={search.loading}>
              Search
            </Button>
          </Box>
          {search.loading ? <Loading label="Searching Amazon…" /> : null}
          {search.error ? <ErrorNotice error={search.error} onRetry={runSearch} /> : null}
          {search.data && results.length === 0 ? (
            <Text size={2} color="default2">
              Amazon found no product type for these words.
            </Text>
          ) : null}
          {results.length ? (
            <Box as="ul" role="list" aria-label="Amazon product types" display="flex" flexDirection="column" gap={1} padding={0} margin={0}>
              {results.map((type) => (
                <Box as="li" key={type.name} listStyleType="none" display="flex" justifyContent="space-between" alignItems="center" gap={2}>
                  <Text size={3}>
                    {type.displayName} <Text size={2} color="default2">({type.name})</Text>
                  </Text>
                  <Button
                    variant="tertiary"
                    size="small"
                    aria-label={`Use ${type.name}`}
                    onClick={() => {
                      onChange(type.name);
                      setOpen(false);
                    }}
                  >
                    Use
                  </Button>
                </Box>
              ))}
            </Box>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
}
