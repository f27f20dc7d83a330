import { SaleorAttributesDocument, SaleorChannelsDocument } from "../gql/saleor/graphql";
import { useQuery } from "./hooks";

/** Channels with their warehouses, from Saleor's API (any staff or app token). */
export function useSaleorChannels() {
  return useQuery(SaleorChannelsDocument, {}, { api: "saleor" });
}

/** Attribute slugs for source suggestions, from Saleor's API (public). */
export function useSaleorAttributes() {
  const query = useQuery(SaleorAttributesDocument, {}, { api: "saleor" });
  return (query.data?.attributes?.edges ?? []).map((e) => e.node).filter((a) => a.type === "PRODUCT_TYPE");
}
