import { Box, Button, Checkbox, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { errorFor } from "../../api/errors";
import { useMutation, useQuery } from "../../api/hooks";
import { Dialog } from "../../components/Dialog";
import { SelectField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { EmptyState, ErrorNotice } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  ShippingMappingBulkDeleteDocument,
  ShippingMappingCreateDocument,
  ShippingZonesDocument,
  type AmazonShippingServiceLevel,
  type ShippingMappingRowFragment,
} from "../../gql/plugin/graphql";

export const SERVICE_LEVELS: { value: AmazonShippingServiceLevel; label: string }[] = [
  { value: "STANDARD", label: "Standard" },
  { value: "EXPEDITED", label: "Expedited" },
  { value: "SECOND_DAY", label: "Second day" },
  { value: "NEXT_DAY", label: "Next day" },
  { value: "SAME_DAY", label: "Same day" },
  { value: "PRIORITY", label: "Priority" },
  { value: "SCHEDULED", label: "Scheduled" },
  { value: "FREE_ECONOMY", label: "Free economy" },
];

const serviceLevelLabel = (value: string) => SERVICE_LEVELS.find((s) => s.value === value)?.label ?? value;

function NewShippingMapping({ marketplaceId, onCreated }: { marketplaceId: string; onCreated(row: ShippingMappingRowFragment): void }) {
  // The zones of the marketplace's channel and the methods priced there, from
  // the plugin (MANAGE_ORDERS, like the mappings themselves).
  const zones = useQuery(ShippingZonesDocument, { marketplaceId });
  const create = useMutation(ShippingMappingCreateDocument, (d) => d.amazonShippingMappingCreate);
  const [serviceLevel, setServiceLevel] = useState<AmazonShippingServiceLevel | null>(null);
  const [zoneId, setZoneId] = useState<string | null>(null);
  const [methodId, setMethodId] = useState<string | null>(null);

  const zoneList = zones.data?.amazonShippingZones ?? [];
  const methods = zoneList.find((z) => z.id === zoneId)?.shippingMethods ?? [];

  const add = async () => {
    if (!serviceLevel || !zoneId || !methodId) return;
    const outcome = await create.mutate({ input: { marketplaceId, serviceLevel, shippingZoneId: zoneId, shippingMethodId: methodId } });
    const row = outcome.data?.amazonShippingMappingCreate?.shippingMapping;
    if (outcome.ok && row) {
      onCreated(row);
      setServiceLevel(null);
      setMethodId(null);
    }
  };

  return (
    <Box display="flex" flexDirection="column" gap={3} padding={4} borderColor="default1" borderStyle="solid" borderWidth={1} borderRadius={3}>
      <Text size={4} fontWeight="medium">
        New mapping
      </Text>
      {zones.error ? (
        <ErrorNotice error={zones.error} permission="MANAGE_ORDERS" what="the channel's shipping zones" onRetry={() => void zones.refetch()} />
      ) : null}
      {zones.data && zoneList.length === 0 ? (
        <Text size={2} color="default2">
          The marketplace's channel has no shipping zones. Add the channel to a shipping zone in Saleor first.
        </Text>
      ) : null}
      <Box display="grid" __gridTemplateColumns="repeat(auto-fill, minmax(200px, 1fr))" gap={3}>
        <SelectField
          label="Amazon service level"
          value={serviceLevel}
          options={SERVICE_LEVELS}
          onChange={(value) => setServiceLevel(value as AmazonShippingServiceLevel)}
          error={errorFor(create.fieldErrors, "serviceLevel")}
        />
        <SelectField
          label="Saleor shipping zone"
          value={zoneId}
          options={zoneList.map((z) => ({ label: z.name, value: z.id }))}
          onChange={(value) => {
            setZoneId(value);
            setMethodId(null);
          }}
          error={errorFor(create.fieldErrors, "shippingZoneId")}
          helperText={zones.loading ? "Loading shipping zones…" : undefined}
        />
        <SelectField
          label="Saleor shipping method"
          value={methodId}
          options={methods.map((m) => ({ label: m.name, value: m.id }))}
          onChange={setMethodId}
          error={errorFor(create.fieldErrors, "shippingMethodId")}
          disabled={!zoneId}
          helperText={zoneId && methods.length === 0 ? "No method of this zone has a price in the marketplace's channel." : undefined}
        />
      </Box>
      <FormErrors errors={create.fieldErrors} placed={["serviceLevel", "shippingZoneId", "shippingMethodId"]} />
      {create.error ? <ErrorNotice error={create.error} /> : null}
      <Box>
        <Button variant="secondary" onClick={() => void add()} disabled={!serviceLevel || !zoneId || !methodId || create.running}>
          Add mapping
        </Button>
      </Box>
    </Box>
  );
}

/**
 * Amazon service level + Saleor zone -> Saleor shipping method for imported
 * orders. Unmapped orders get the plugin's "Amazon shipping" method.
 */
export function ShippingMappingDialog({
  marketplaceId,
  mappings: initialMappings,
  onChanged,
  onClose,
}: {
  marketplaceId: string;
  mappings: ShippingMappingRowFragment[] | null;
  onChanged(): void;
  onClose(): void;
}) {
  const { notify } = useDashboard();
  const [mappings, setMappings] = useState(initialMappings ?? []);
  const [selected, setSelected] = useState<string[]>([]);
  useEffect(() => setMappings(initialMappings ?? []), [initialMappings]);
  const bulkDelete = useMutation(ShippingMappingBulkDeleteDocument, (d) => d.amazonShippingMappingBulkDelete);

  const deleteSelected = async () => {
    const outcome = await bulkDelete.mutate({ ids: selected });
    if (outcome.ok) {
      setMappings((rows) => rows.filter((row) => !selected.includes(row.id)));
      notify({ status: "success", title: `${outcome.data.amazonShippingMappingBulkDelete?.count ?? selected.length} shipping mappings deleted` });
      setSelected([]);
      onChanged();
    }
  };

  const allSelected = mappings.length > 0 && selected.length === mappings.length;
  return (
    <Dialog
      title="Shipping mapping"
      onClose={onClose}
      width="860px"
      footer={
        <Button variant="error" onClick={() => void deleteSelected()} disabled={selected.length === 0 || bulkDelete.running}>
          {selected.length ? `Delete selected (${selected.length})` : "Delete selected"}
        </Button>
      }
    >
      <Text size={2} color="default2">
        Orders whose service level and delivery zone match no mapping get the “Amazon shipping” method.
      </Text>
      {mappings.length === 0 ? (
        <EmptyState title="No shipping mappings" />
      ) : (
        <Table
          label="Shipping mappings"
          head={[
            <Checkbox
              key="all"
              aria-label="Select all"
              checked={allSelected ? true : selected.length ? "indeterminate" : false}
              onCheckedChange={(state) => setSelected(state === true ? mappings.map((m) => m.id) : [])}
            />,
            "Amazon service level",
            "Saleor shipping zone",
            "Saleor shipping method",
          ]}
        >
          {mappings.map((mapping) => (
            <tr key={mapping.id}>
              <Cell>
                <Checkbox
                  aria-label={`Select ${serviceLevelLabel(mapping.serviceLevel)} in ${mapping.shippingZone.name}`}
                  checked={selected.includes(mapping.id)}
                  onCheckedChange={(state) =>
                    setSelected((ids) => (state === true ? [...ids, mapping.id] : ids.filter((id) => id !== mapping.id)))
                  }
                />
              </Cell>
              <Cell>{serviceLevelLabel(mapping.serviceLevel)}</Cell>
              <Cell>{mapping.shippingZone.name}</Cell>
              <Cell>{mapping.shippingMethod.name}</Cell>
            </tr>
          ))}
        </Table>
      )}
      <FormErrors errors={bulkDelete.fieldErrors} placed={[]} />
      {bulkDelete.error ? <ErrorNotice error={bulkDelete.error} /> : null}
      <NewShippingMapping
        marketplaceId={marketplaceId}
        onCreated={(row) => {
          setMappings((rows) => [...rows, row]);
          notify({ status: "success", title: "Shipping mapping added" });
          onChanged();
        }}
      />
    </Dialog>
  );
}
