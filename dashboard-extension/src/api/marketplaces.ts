import {
  MarketplacesDocument,
  SyncStatusesDocument,
  type MarketplaceRefFragment,
} from "../gql/plugin/graphql";
import { useQuery } from "./hooks";

export type MarketplaceChoice = Pick<MarketplaceRefFragment, "id" | "marketplaceId" | "country" | "currency" | "status"> & {
  channel: { id: string; name: string };
};

/**
 * Marketplaces to pick from. `amazonMarketplaces` needs MANAGE_CHANNELS, so a
 * user with only MANAGE_PRODUCTS gets them through `amazonSyncStatus`.
 */
export function useMarketplaceChoices() {
  const all = useQuery(MarketplacesDocument, {});
  const denied = all.error?.kind === "permission";
  const viaSync = useQuery(SyncStatusesDocument, {}, { skip: !denied });
  if (!denied) {
    return {
      choices: all.data?.amazonMarketplaces.edges.flatMap((e) => (e?.node ? [e.node] : [])) as MarketplaceChoice[] | undefined,
      error: all.error,
      refetch: all.refetch,
    };
  }
  return {
    choices: viaSync.data?.amazonSyncStatus.map((s) => s.marketplace) as MarketplaceChoice[] | undefined,
    error: viaSync.error,
    refetch: viaSync.refetch,
  };
}
