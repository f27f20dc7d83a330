import { Box, Button, Text } from "@saleor/macaw-ui";
import { ArrowLeft } from "lucide-react";
import { useEffect, useState } from "react";

import { errorFor } from "../../api/errors";
import { useMutation, useQuery } from "../../api/hooks";
import { useSaleorChannels } from "../../api/saleorData";
import { CheckboxField, CheckboxGroup, parseOptionalInt, SelectField, TextField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { formatDateTime, marketplaceLabel } from "../../components/format";
import { KeyValue, Section, StatusChip } from "../../components/Layout";
import { ErrorNotice, Notice, PermissionNote, QueryView } from "../../components/PageStates";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  MarketplaceCheckDocument,
  MarketplaceDetailsDocument,
  MarketplaceUpdateDocument,
  SyncStatusesDocument,
  type AmazonMarketplaceInput,
  type AmazonSyncScope,
  type MarketplaceDetailsQuery,
} from "../../gql/plugin/graphql";
import { FieldMappingDialog } from "./FieldMappingDialog";
import { MARKETPLACE_FIELD_PERMISSIONS, SyncStatusSummary, useHiddenMarketplaceFields } from "./MarketplacesList";
import { ShippingMappingDialog } from "./ShippingMappingDialog";

type Marketplace = NonNullable<MarketplaceDetailsQuery["amazonMarketplace"]>;
type Hidden = ReturnType<typeof useHiddenMarketplaceFields>;

type SettingsDraft = {
  channelId: string;
  warehouseIds: string[];
  stockBuffer: string;
  maxQuantity: string;
  untrackedQuantity: string;
  handlingTime: string;
  autoSync: boolean;
  syncScope: AmazonSyncScope;
  autoImportOrders: boolean;
};

const SETTINGS_FIELDS = ["channelId", "warehouseIds", "stockBuffer", "maxQuantity", "untrackedQuantity", "handlingTime", "autoSync", "syncScope", "autoImportOrders"];

function draftFrom(m: Marketplace): SettingsDraft {
  const text = (n: number | null) => (n === null ? "" : String(n));
  return {
    channelId: m.channel.id,
    warehouseIds: (m.warehouses ?? []).map((w) => w.id),
    stockBuffer: text(m.stockBuffer),
    maxQuantity: text(m.maxQuantity),
    untrackedQuantity: text(m.untrackedQuantity),
    handlingTime: text(m.handlingTime),
    autoSync: m.autoSync ?? false,
    syncScope: m.syncScope ?? "ALL",
    autoImportOrders: m.autoImportOrders ?? false,
  };
}

/**
 * Only what changed is sent: fields are guarded by different permissions
 * (autoImportOrders needs MANAGE_ORDERS), so echoing an unchanged one could be
 * refused for a user who never touched it.
 */
export function changedSettings(before: SettingsDraft, after: SettingsDraft): AmazonMarketplaceInput {
  const input: AmazonMarketplaceInput = {};
  if (after.channelId !== before.channelId) input.channelId = after.channelId;
  if ([...after.warehouseIds].sort().join() !== [...before.warehouseIds].sort().join()) input.warehouseIds = after.warehouseIds;
  for (const key of ["stockBuffer", "maxQuantity", "untrackedQuantity", "handlingTime"] as const) {
    if (after[key] !== before[key]) input[key] = parseOptionalInt(after[key]);
  }
  if (after.autoSync !== before.autoSync) input.autoSync = after.autoSync;
  if (after.syncScope !== before.syncScope) input.syncScope = after.syncScope;
  if (after.autoImportOrders !== before.autoImportOrders) input.autoImportOrders = after.autoImportOrders;
  return input;
}

/**
 * The marketplace's settings. Fields this token may not read came back null
 * (with a PermissionDenied error each): their controls give way to a note.
 * Saving needs MANAGE_CHANNELS, so without it the form is read-only; the
 * mapping pop-ups need only their own side's permission.
 */
function MarketplaceSettings({ marketplace, hidden, onSaved }: { marketplace: Marketplace; hidden: Hidden; onSaved(): void }) {
  const { notify } = useDashboard();
  const channels = useSaleorChannels();
  const update = useMutation(MarketplaceUpdateDocument, (d) => d.amazonMarketplaceUpdate);
  const initial = draftFrom(marketplace);
  const [draft, setDraft] = useState(initial);
  const [fieldMappingOpen, setFieldMappingOpen] = useState(false);
  const [shippingMappingOpen, setShippingMappingOpen] = useState(false);
  useEffect(() => setDraft(draftFrom(marketplace)), [marketplace]);

  const channelList = channels.data?.channels ?? [];
  const channel = channelList.find((c) => c.id === draft.channelId);
  const warehouseOptions = channel
    ? channel.warehouses.map((w) => ({ label: w.name, value: w.id }))
    : (marketplace.warehouses ?? []).map((w) => ({ label: w.name, value: w.id }));
  const input = changedSettings(initial, draft);
  const dirty = Object.keys(input).length > 0;

  const save = async () => {
    const outcome = await update.mutate({ id: marketplace.id, input });
    if (outcome.ok) {
      notify({ status: "success", title: "Marketplace saved" });
      onSaved();
    }
  };

  const errors = update.fieldErrors;
  // Every change goes through amazonMarketplaceUpdate, which needs MANAGE_CHANNELS.
  const readOnly = hidden.channels;
  const fieldMappingsHidden = hidden.hidden("fieldMappings");
  const shippingMappingsHidden = hidden.hidden("shippingMappings");
  return (
    <>
      {readOnly ? <PermissionNote verb="Changing" permissions={MARKETPLACE_FIELD_PERMISSIONS.account} what="a marketplace's settings" /> : null}
      <Section title="Stock and prices">
        <SelectField
          label="Saleor channel"
          value={draft.channelId}
          options={channelList.length ? channelList.map((c) => ({ label: `${c.name} (${c.currencyCode})`, value: c.id })) : [{ label: marketplace.channel.name, value: marketplace.channel.id }]}
          onChange={(channelId) => setDraft({ ...draft, channelId, warehouseIds: [] })}
          error={errorFor(errors, "channelId")}
          disabled={readOnly}
        />
        {hidden.stock ? (
          <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.warehouses} what="the warehouses and stock settings" />
        ) : (
          <>
            <CheckboxGroup
              legend="Warehouses"
              options={warehouseOptions}
              selected={draft.warehouseIds}
              onChange={(warehouseIds) => setDraft({ ...draft, warehouseIds })}
              error={errorFor(errors, "warehouseIds")}
              emptyText="This channel has no warehouses."
              disabled={readOnly}
            />
            <Box display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(200px, 1fr))" gap={4}>
              <TextField label="Stock buffer" type="number" value={draft.stockBuffer} onChange={(stockBuffer) => setDraft({ ...draft, stockBuffer })} error={errorFor(errors, "stockBuffer")} disabled={readOnly} />
              <TextField label="Maximum quantity" type="number" value={draft.maxQuantity} onChange={(maxQuantity) => setDraft({ ...draft, maxQuantity })} error={errorFor(errors, "maxQuantity")} disabled={readOnly} />
              <TextField
                label="Quantity for untracked variants"
                type="number"
                value={draft.untrackedQuantity}
                onChange={(untrackedQuantity) => setDraft({ ...draft, untrackedQuantity })}
                error={errorFor(errors, "untrackedQuantity")}
                disabled={readOnly}
              />
              <TextField label="Handling time (days)" type="number" value={draft.handlingTime} onChange={(handlingTime) => setDraft({ ...draft, handlingTime })} error={errorFor(errors, "handlingTime")} disabled={readOnly} />
            </Box>
          </>
        )}
      </Section>
      <Section
        title="Products export"
        actions={
          <Button variant="secondary" onClick={() => setFieldMappingOpen(true)} disabled={fieldMappingsHidden}>
            Fields mapping
          </Button>
        }
      >
        {hidden.sync ? (
          <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.autoSync} what="how products are synced" />
        ) : (
          <>
            <CheckboxField
              label="Automatically sync product updates"
              checked={draft.autoSync}
              onChange={(autoSync) => setDraft({ ...draft, autoSync })}
              description="Product, price and stock changes reach Amazon without anyone clicking."
              disabled={readOnly}
            />
            <SelectField
              label="What to sync"
              value={draft.syncScope}
              options={[
                { label: "All listing data (ALL)", value: "ALL" },
                { label: "Inventory and prices only (INVENTORY)", value: "INVENTORY" },
              ]}
              onChange={(value) => setDraft({ ...draft, syncScope: value as AmazonSyncScope })}
              error={errorFor(errors, "syncScope")}
              disabled={readOnly}
            />
          </>
        )}
        {fieldMappingsHidden ? (
          <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.fieldMappings} what="and editing the fields mapping" />
        ) : (
          <Text size={2} color="default2">
            {(marketplace.fieldMappings ?? []).length} field mapping{(marketplace.fieldMappings ?? []).length === 1 ? "" : "s"}
          </Text>
        )}
      </Section>
      <Section
        title="Orders import"
        actions={
          <Button variant="secondary" onClick={() => setShippingMappingOpen(true)} disabled={shippingMappingsHidden}>
            Shipping mapping
          </Button>
        }
      >
        {hidden.orders ? (
          <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.autoImportOrders} what="how orders are imported" />
        ) : (
          <CheckboxField
            label="Automatically import orders"
            checked={draft.autoImportOrders}
            onChange={(autoImportOrders) => setDraft({ ...draft, autoImportOrders })}
            description="Amazon orders are imported every few minutes."
            disabled={readOnly}
          />
        )}
        {shippingMappingsHidden ? (
          <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.shippingMappings} what="and editing the shipping mapping" />
        ) : (
          <Text size={2} color="default2">
            {(marketplace.shippingMappings ?? []).length} shipping mapping{(marketplace.shippingMappings ?? []).length === 1 ? "" : "s"}
          </Text>
        )}
      </Section>
      <FormErrors errors={errors} placed={SETTINGS_FIELDS} />
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <Box display="flex" gap={2}>
        <Button variant="primary" disabled={readOnly || !dirty || update.running} onClick={() => void save()}>
          {update.running ? "Saving…" : "Save"}
        </Button>
        <Button variant="tertiary" disabled={!dirty} onClick={() => setDraft(initial)}>
          Discard changes
        </Button>
      </Box>
      {fieldMappingOpen ? (
        <FieldMappingDialog
          marketplaceId={marketplace.id}
          mappings={marketplace.fieldMappings}
          onChanged={onSaved}
          onClose={() => setFieldMappingOpen(false)}
        />
      ) : null}
      {shippingMappingOpen ? (
        <ShippingMappingDialog
          marketplaceId={marketplace.id}
          mappings={marketplace.shippingMappings}
          onChanged={onSaved}
          onClose={() => setShippingMappingOpen(false)}
        />
      ) : null}
    </>
  );
}

export function MarketplaceDetails({ id, onBack }: { id: string; onBack(): void }) {
  const { notify } = useDashboard();
  const details = useQuery(MarketplaceDetailsDocument, { id });
  const hidden = useHiddenMarketplaceFields(details.fieldErrors);
  const sync = useQuery(SyncStatusesDocument, { marketplaceId: id });
  const check = useMutation(MarketplaceCheckDocument, (d) => d.amazonMarketplaceCheck);

  const recheck = async () => {
    const outcome = await check.mutate({ id });
    const marketplace = outcome.data?.amazonMarketplaceCheck?.marketplace;
    if (outcome.ok && marketplace) {
      notify(
        marketplace.status === "CONFIGURED"
          ? { status: "success", title: "Amazon accepted the credentials" }
          : { status: "error", title: "Amazon refused the credentials", text: marketplace.lastError ?? "" },
      );
      void details.refetch();
    }
  };

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <Box>
        <Button variant="tertiary" icon={<ArrowLeft size={16} />} onClick={onBack}>
          All marketplaces
        </Button>
      </Box>
      <QueryView query={details} permission="MANAGE_CHANNELS" what="this marketplace">
        {(data) => {
          const marketplace = data.amazonMarketplace;
          if (!marketplace) return <Notice tone="critical" title="This marketplace no longer exists" />;
          return (
            <>
              <Section
                title={marketplaceLabel(marketplace)}
                actions={
                  <Button variant="secondary" onClick={() => void recheck()} disabled={check.running || hidden.channels}>
                    {check.running ? "Checking…" : "Check credentials"}
                  </Button>
                }
              >
                <Box display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(200px, 1fr))" gap={4}>
                  <KeyValue label="Status">
                    <StatusChip status={marketplace.status} />
                  </KeyValue>
                  <KeyValue label="Seller account">{marketplace.account ? `${marketplace.account.name || marketplace.account.sellerId} (${marketplace.account.sellerId})` : "—"}</KeyValue>
                  <KeyValue label="Channel">{`${marketplace.channel.name} (${marketplace.currency})`}</KeyValue>
                  <KeyValue label="Last checked">{formatDateTime(marketplace.checkedAt)}</KeyValue>
                  <KeyValue label="Sync">
                    {sync.error?.kind === "permission" ? (
                      <PermissionNote permissions={["MANAGE_PRODUCTS"]} what="the sync status" />
                    ) : (
                      <SyncStatusSummary status={sync.data?.amazonSyncStatus[0]} />
                    )}
                  </KeyValue>
                </Box>
                {hidden.channels ? (
                  <PermissionNote permissions={MARKETPLACE_FIELD_PERMISSIONS.account} what="the seller account and checking its credentials with Amazon" />
                ) : null}
                {marketplace.status === "ERROR" && marketplace.lastError ? (
                  <Text size={3} color="critical1" role="alert">
                    {marketplace.lastError}
                  </Text>
                ) : null}
                {check.error ? <ErrorNotice error={check.error} /> : null}
              </Section>
              <MarketplaceSettings marketplace={marketplace} hidden={hidden} onSaved={() => void details.refetch()} />
            </>
          );
        }}
      </QueryView>
    </Box>
  );
}
