import { Box, Button, RadioGroup, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { errorFor, type FieldError } from "../../api/errors";
import { useLazyQuery, useMutation, useQuery } from "../../api/hooks";
import { useSaleorChannels } from "../../api/saleorData";
import { CheckboxField, CheckboxGroup, parseOptionalInt, SelectField, TextField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { Section, StatusChip } from "../../components/Layout";
import { ErrorNotice, Loading, Notice } from "../../components/PageStates";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  AccountCreateDocument,
  AccountsDocument,
  AvailableMarketplacesDocument,
  MarketplaceCreateDocument,
  type AmazonEnvironment,
  type AmazonRegion,
  type AmazonSyncScope,
  type MarketplaceSummaryFragment,
} from "../../gql/plugin/graphql";

const REGIONS: { label: string; value: AmazonRegion }[] = [
  { label: "North America (NA)", value: "NA" },
  { label: "Europe (EU)", value: "EU" },
  { label: "Far East (FE)", value: "FE" },
];

const ENVIRONMENTS: { label: string; value: AmazonEnvironment }[] = [
  { label: "Production", value: "PRODUCTION" },
  { label: "Amazon's sandbox", value: "AMAZON_SANDBOX" },
  { label: "Local sandbox (bundled emulator)", value: "LOCAL_SANDBOX" },
];

const NEW_ACCOUNT = "__new__";

type AccountDraft = {
  name: string;
  sellerId: string;
  region: AmazonRegion;
  environment: AmazonEnvironment;
  lwaClientId: string;
  lwaClientSecret: string;
  refreshToken: string;
};

type LinkDraft = {
  channelId: string | null;
  warehouseIds: string[];
  stockBuffer: string;
  maxQuantity: string;
  handlingTime: string;
  syncScope: AmazonSyncScope;
  autoSync: boolean;
};

const ACCOUNT_FIELDS = ["name", "sellerId", "region", "environment", "lwaClientId", "lwaClientSecret", "refreshToken"];
const LINK_FIELDS = ["accountId", "marketplaceId", "channelId", "warehouseIds", "stockBuffer", "maxQuantity", "handlingTime", "syncScope", "autoSync"];

function AccountFields({ draft, onChange, errors }: { draft: AccountDraft; onChange(d: AccountDraft): void; errors: FieldError[] }) {
  const set = <K extends keyof AccountDraft>(key: K) => (value: AccountDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <Box display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(260px, 1fr))" gap={4}>
      <TextField label="Account name" value={draft.name} onChange={set("name")} error={errorFor(errors, "name")} />
      <TextField label="Seller ID" value={draft.sellerId} onChange={set("sellerId")} error={errorFor(errors, "sellerId")} />
      <SelectField label="Region" value={draft.region} options={REGIONS} onChange={(v) => set("region")(v as AmazonRegion)} error={errorFor(errors, "region")} />
      <SelectField
        label="Environment"
        value={draft.environment}
        options={ENVIRONMENTS}
        onChange={(v) => set("environment")(v as AmazonEnvironment)}
        error={errorFor(errors, "environment")}
      />
      <TextField label="LWA client ID" value={draft.lwaClientId} onChange={set("lwaClientId")} error={errorFor(errors, "lwaClientId")} />
      <TextField
        label="LWA client secret"
        type="password"
        autoComplete="off"
        value={draft.lwaClientSecret}
        onChange={set("lwaClientSecret")}
        error={errorFor(errors, "lwaClientSecret")}
        helperText="Stored encrypted; never shown again."
      />
      <TextField
        label="Refresh token"
        type="password"
        autoComplete="off"
        value={draft.refreshToken}
        onChange={set("refreshToken")}
        error={errorFor(errors, "refreshToken")}
        helperText="From authorising the app in Seller Central; never shown again."
      />
    </Box>
  );
}

function CreatedMarketplace({ marketplace, onOpen }: { marketplace: MarketplaceSummaryFragment; onOpen(): void }) {
  const configured = marketplace.status === "CONFIGURED";
  return (
    <Notice
      tone={configured ? "info" : "critical"}
      title={configured ? `Amazon ${marketplace.country} is configured` : `Amazon ${marketplace.country} could not be verified`}
      action={
        <Button variant="primary" onClick={onOpen}>
          Open marketplace
        </Button>
      }
    >
      <Box as="span" display="flex" gap={2} alignItems="center">
        <StatusChip status={marketplace.status} />
        {configured ? "Amazon accepted the credentials." : (marketplace.lastError ?? "Amazon refused the credentials.")}
      </Box>
    </Notice>
  );
}

/**
 * "Configure new marketplace": the seller account (existing or new), Amazon's
 * list of marketplaces it sells on, then the Saleor channel and warehouses.
 * Saving verifies the credentials: the marketplace comes back CONFIGURED, or
 * ERROR with Amazon's reason.
 */
export function ConfigureMarketplaceForm({ onDone, onCancel }: { onDone(id: string): void; onCancel(): void }) {
  const { notify } = useDashboard();
  const accounts = useQuery(AccountsDocument, {});
  const channels = useSaleorChannels();
  const available = useLazyQuery(AvailableMarketplacesDocument);
  const createAccount = useMutation(AccountCreateDocument, (d) => d.amazonAccountCreate);
  const createMarketplace = useMutation(MarketplaceCreateDocument, (d) => d.amazonMarketplaceCreate);

  const [accountChoice, setAccountChoice] = useState<string>(NEW_ACCOUNT);
  const [createdAccountId, setCreatedAccountId] = useState<string | null>(null);
  const [account, setAccount] = useState<AccountDraft>({
    name: "",
    sellerId: "",
    region: "EU",
    environment: "PRODUCTION",
    lwaClientId: "",
    lwaClientSecret: "",
    refreshToken: "",
  });
  const [marketplaceId, setMarketplaceId] = useState<string | null>(null);
  const [link, setLink] = useState<LinkDraft>({
    channelId: null,
    warehouseIds: [],
    stockBuffer: "",
    maxQuantity: "",
    handlingTime: "",
    syncScope: "ALL",
    autoSync: true,
  });
  const [created, setCreated] = useState<MarketplaceSummaryFragment | null>(null);

  const accountId = accountChoice === NEW_ACCOUNT ? createdAccountId : accountChoice;
  const existingAccounts = accounts.data?.amazonAccounts.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const channelList = channels.data?.channels ?? [];
  const channel = channelList.find((c) => c.id === link.channelId);

  const getAvailable = async () => {
    let id = accountId;
    if (!id) {
      const outcome = await createAccount.mutate({
        input: {
          name: account.name || null,
          sellerId: account.sellerId,
          region: account.region,
          environment: account.environment,
          lwaClientId: account.lwaClientId || null,
          lwaClientSecret: account.lwaClientSecret || null,
          refreshToken: account.refreshToken || null,
        },
      });
      const createdAccount = outcome.data?.amazonAccountCreate?.account;
      if (!outcome.ok || !createdAccount) return;
      id = createdAccount.id;
      setCreatedAccountId(id);
      void accounts.refetch();
    }
    setMarketplaceId(null);
    await available.run({ accountId: id, refresh: true });
  };

  const save = async () => {
    if (!accountId || !marketplaceId) return;
    const outcome = await createMarketplace.mutate({
      input: {
        accountId,
        marketplaceId,
        channelId: link.channelId,
        warehouseIds: link.warehouseIds,
        stockBuffer: parseOptionalInt(link.stockBuffer),
        maxQuantity: parseOptionalInt(link.maxQuantity),
        handlingTime: parseOptionalInt(link.handlingTime),
        syncScope: link.syncScope,
        autoSync: link.autoSync,
      },
    });
    const marketplace = outcome.data?.amazonMarketplaceCreate?.marketplace;
    if (outcome.ok && marketplace) {
      setCreated(marketplace);
      notify(
        marketplace.status === "CONFIGURED"
          ? { status: "success", title: "Marketplace configured", text: `Amazon ${marketplace.country} is ready.` }
          : { status: "error", title: "Marketplace saved with an error", text: marketplace.lastError ?? "" },
      );
    }
  };

  if (created) {
    return (
      <Section title="Configure new marketplace">
        <CreatedMarketplace marketplace={created} onOpen={() => onDone(created.id)} />
      </Section>
    );
  }

  const marketplaces = available.data?.amazonAvailableMarketplaces ?? [];

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <Section title="Configure new marketplace" description="Step 1: the Amazon seller account (Selling Partner API credentials).">
        {accounts.error && accounts.error.kind !== "permission" ? <ErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} /> : null}
        {accounts.error?.kind === "permission" ? (
          <ErrorNotice error={accounts.error} permission="MANAGE_CHANNELS" what="Amazon seller accounts" />
        ) : (
          <>
            <SelectField
              label="Seller account"
              value={accountChoice}
              options={[
                { label: "A new seller account", value: NEW_ACCOUNT },
                ...existingAccounts.map((a) => ({ label: `${a.name || a.sellerId} (${a.sellerId}, ${a.region})`, value: a.id })),
              ]}
              onChange={(value) => {
                setAccountChoice(value);
                setMarketplaceId(null);
              }}
            />
            {accountChoice === NEW_ACCOUNT && !createdAccountId ? (
              <AccountFields draft={account} onChange={setAccount} errors={createAccount.fieldErrors} />
            ) : null}
            {accountChoice === NEW_ACCOUNT && createdAccountId ? (
              <Text size={3}>Seller account {account.sellerId} saved.</Text>
            ) : null}
            <FormErrors errors={createAccount.fieldErrors} placed={ACCOUNT_FIELDS} />
            {createAccount.error ? <ErrorNotice error={createAccount.error} /> : null}
            <Box display="flex" gap={2}>
              <Button variant="secondary" onClick={() => void getAvailable()} disabled={createAccount.running || available.loading}>
                {available.loading ? "Asking Amazon…" : "Get available marketplaces"}
              </Button>
              <Button variant="tertiary" onClick={onCancel}>
                Cancel
              </Button>
            </Box>
          </>
        )}
      </Section>

      {available.error ? <ErrorNotice error={available.error} onRetry={() => void getAvailable()} /> : null}
      {available.loading ? <Loading label="Asking Amazon which marketplaces the account sells on…" /> : null}

      {available.data ? (
        <Section title="Marketplace" description="Step 2: the Amazon marketplace this account sells on.">
          {marketplaces.length === 0 ? (
            <Notice tone="warning" title="Amazon lists no marketplaces for this account" />
          ) : (
            <RadioGroup value={marketplaceId ?? ""} onValueChange={(value: string) => setMarketplaceId(value)} aria-label="Amazon marketplace" display="flex" flexDirection="column" gap={2}>
              {marketplaces.map((m) => {
                const reason = m.configured
                  ? "already configured"
                  : !m.participating
                    ? "the account does not sell here"
                    : !m.supported
                      ? "not supported by the plugin"
                      : m.hasSuspendedListings
                        ? "has suspended listings"
                        : "";
                const disabled = m.configured || !m.participating || !m.supported;
                return (
                  <RadioGroup.Item key={m.id} id={`marketplace-${m.id}`} value={m.id} disabled={disabled}>
                    <Text size={3}>
                      {m.name} — {m.country}, {m.currency} ({m.id}){reason ? ` · ${reason}` : ""}
                    </Text>
                  </RadioGroup.Item>
                );
              })}
            </RadioGroup>
          )}
        </Section>
      ) : null}

      {marketplaceId ? (
        <Section title="Link to Saleor" description="Step 3: the channel whose prices and currency it uses, and the warehouses whose stock it sells.">
          {channels.error ? <ErrorNotice error={channels.error} onRetry={() => void channels.refetch()} /> : null}
          <SelectField
            label="Saleor channel"
            value={link.channelId}
            options={channelList.map((c) => ({ label: `${c.name} (${c.currencyCode})`, value: c.id }))}
            onChange={(channelId) => setLink({ ...link, channelId, warehouseIds: [] })}
            error={errorFor(createMarketplace.fieldErrors, "channelId")}
          />
          <CheckboxGroup
            legend="Warehouses"
            options={(channel?.warehouses ?? []).map((w) => ({ label: w.name, value: w.id }))}
            selected={link.warehouseIds}
            onChange={(warehouseIds) => setLink({ ...link, warehouseIds })}
            error={errorFor(createMarketplace.fieldErrors, "warehouseIds")}
            emptyText={channel ? "This channel has no warehouses." : "Choose a channel first."}
          />
          <Box display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(200px, 1fr))" gap={4}>
            <TextField label="Stock buffer" type="number" value={link.stockBuffer} onChange={(stockBuffer) => setLink({ ...link, stockBuffer })} error={errorFor(createMarketplace.fieldErrors, "stockBuffer")} helperText="Units kept back from Amazon" />
            <TextField label="Maximum quantity" type="number" value={link.maxQuantity} onChange={(maxQuantity) => setLink({ ...link, maxQuantity })} error={errorFor(createMarketplace.fieldErrors, "maxQuantity")} />
            <TextField label="Handling time (days)" type="number" value={link.handlingTime} onChange={(handlingTime) => setLink({ ...link, handlingTime })} error={errorFor(createMarketplace.fieldErrors, "handlingTime")} />
          </Box>
          <CheckboxField label="Automatically sync product updates" checked={link.autoSync} onChange={(autoSync) => setLink({ ...link, autoSync })} />
          <SelectField
            label="What to sync"
            value={link.syncScope}
            options={[
              { label: "All listing data", value: "ALL" },
              { label: "Inventory and prices only", value: "INVENTORY" },
            ]}
            onChange={(value) => setLink({ ...link, syncScope: value as AmazonSyncScope })}
            error={errorFor(createMarketplace.fieldErrors, "syncScope")}
          />
          <FormErrors errors={createMarketplace.fieldErrors} placed={LINK_FIELDS} />
          {errorFor(createMarketplace.fieldErrors, "marketplaceId") || errorFor(createMarketplace.fieldErrors, "accountId") ? (
            <Notice tone="critical" title="Amazon marketplace">
              {errorFor(createMarketplace.fieldErrors, "marketplaceId") ?? errorFor(createMarketplace.fieldErrors, "accountId")}
            </Notice>
          ) : null}
          {createMarketplace.error ? <ErrorNotice error={createMarketplace.error} /> : null}
          <Box display="flex" gap={2}>
            <Button variant="primary" onClick={() => void save()} disabled={createMarketplace.running}>
              {createMarketplace.running ? "Verifying with Amazon…" : "Save"}
            </Button>
            <Button variant="tertiary" onClick={onCancel}>
              Cancel
            </Button>
          </Box>
        </Section>
      ) : null}
    </Box>
  );
}
