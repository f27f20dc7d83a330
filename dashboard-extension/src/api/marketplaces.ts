import { MarketplaceChoicesDocument, type MarketplaceRefFragment } from "../gql/plugin/graphql";
import { useQuery } from "./hooks";

export type MarketplaceChoice = Pick<MarketplaceRefFragment, "id" | "marketplaceId" | "country" | "currency" | "status"> & {
  channel: { id: string; name: string };
};

/**
 * Marketplaces to pick from. `amazonMarketplaces` answers any of
 * MANAGE_CHANNELS, MANAGE_PRODUCTS and MANAGE_ORDERS, and the fields asked
 * for here are open to all three.
 */
export function useMarketplaceChoices() {
  const query = useQuery(MarketplaceChoicesDocument, {});
  return {
    choices: query.data?.amazonMarketplaces.edges.flatMap((e) => (e?.node ? [e.node] : [])) as MarketplaceChoice[] | undefined,
    error: query.error,
    refetch: query.refetch,
  };
}
