import {
  SaleorAttributesDocument,
  SaleorChannelsDocument,
  SaleorShippingZonesDocument,
} from "../gql/saleor/graphql";
import { useQuery } from "./hooks";

/** Channels with their warehouses, from Saleor's API (any staff or app token). */
export function useSaleorChannels() {
  return useQuery(SaleorChannelsDocument, {}, { api: "saleor" });
}

/** Shipping zones and methods of one channel, from Saleor's API (MANAGE_SHIPPING). */
export function useSaleorShippingZones(channelId: string | undefined) {
  return useQuery(SaleorShippingZonesDocument, { channelId: channelId ?? "" }, { api: "saleor", skip: !channelId });
}

/** Attribute slugs for source suggestions, from Saleor's API (public). */
export function useSaleorAttributes() {
  const query = useQuery(SaleorAttributesDocument, {}, { api: "saleor" });
  return (query.data?.attributes?.edges ?? []).map((e) => e.node).filter((a) => a.type === "PRODUCT_TYPE");
}
