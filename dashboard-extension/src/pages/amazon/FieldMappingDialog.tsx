import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useId, useState } from "react";

import { errorFor, type ApiError, type FieldError } from "../../api/errors";
import { useMutation } from "../../api/hooks";
import { useSaleorAttributes } from "../../api/saleorData";
import { Dialog } from "../../components/Dialog";
import { TextField } from "../../components/Fields";
import { FormErrors } from "../../components/FormErrors";
import { ErrorNotice, EmptyState } from "../../components/PageStates";
import { Cell, Table } from "../../components/Table";
import { useDashboard } from "../../dashboard/DashboardContext";
import {
  FieldMappingCreateDocument,
  FieldMappingDeleteDocument,
  type FieldMappingRowFragment,
} from "../../gql/plugin/graphql";
import { AMAZON_ATTRIBUTES, attributeLabel, sourceSuggestions } from "../../mapping/catalog";
import { SourceListEditor } from "../../mapping/SourceListEditor";

type Draft = { replacing: FieldMappingRowFragment | null; amazonAttribute: string; sources: string[] };

function MappingEditor({
  draft,
  onChange,
  errors,
}: {
  draft: Draft;
  onChange(draft: Draft): void;
  errors: FieldError[];
}) {
  const attributes = useSaleorAttributes();
  const listId = useId();
  return (
    <Box display="flex" flexDirection="column" gap={4} padding={4} borderColor="default1" borderStyle="solid" borderWidth={1} borderRadius={3}>
      <Box>
        <TextField
          label="Amazon attribute"
          value={draft.amazonAttribute}
          onChange={(amazonAttribute) => onChange({ ...draft, amazonAttribute })}
          error={errorFor(errors, "amazonAttribute")}
          helperText={attributeLabel(draft.amazonAttribute) || "e.g. item_name, brand, bullet_point"}
          disabled={draft.replacing !== null}
          list={listId}
        />
        <datalist id={listId}>
          {AMAZON_ATTRIBUTES.map(([name, label]) => (
            <option key={name} value={name}>
              {label}
            </option>
          ))}
        </datalist>
      </Box>
      <SourceListEditor
        label="Saleor sources, first non-empty wins"
        sources={draft.sources}
        onChange={(sources) => onChange({ ...draft, sources })}
        suggestions={sourceSuggestions(attributes)}
        error={errorFor(errors, "sources")}
        errorAt={(index) => errorFor(errors, `sources[${index}]`)}
      />
    </Box>
  );
}

/**
 * The marketplace's fields mapping: each Amazon attribute takes the first
 * non-empty of its ordered Saleor sources. The API has create and delete
 * only, so changing a mapping replaces it (and puts the old one back if the
 * new one is refused).
 */
export function FieldMappingDialog({
  marketplaceId,
  mappings: initialMappings,
  onChanged,
  onClose,
}: {
  marketplaceId: string;
  mappings: FieldMappingRowFragment[] | null;
  onChanged(): void;
  onClose(): void;
}) {
  const { notify } = useDashboard();
  const [mappings, setMappings] = useState(initialMappings ?? []);
  const [draft, setDraft] = useState<Draft | null>(null);
  // Kept apart from the mutation's own state: restoring a replaced mapping runs
  // the mutation again and must not wipe the reason the change was refused.
  const [problem, setProblem] = useState<{ fieldErrors: FieldError[]; error?: ApiError }>({ fieldErrors: [] });
  useEffect(() => setMappings(initialMappings ?? []), [initialMappings]);
  const create = useMutation(FieldMappingCreateDocument, (d) => d.amazonFieldMappingCreate);
  const remove = useMutation(FieldMappingDeleteDocument, (d) => d.amazonFieldMappingDelete);

  const deleteMapping = async (mapping: FieldMappingRowFragment) => {
    const outcome = await remove.mutate({ id: mapping.id });
    if (outcome.ok) {
      setMappings((rows) => rows.filter((row) => row.id !== mapping.id));
      notify({ status: "success", title: `Mapping for ${mapping.amazonAttribute} deleted` });
      onChanged();
    }
    return outcome.ok;
  };

  const save = async () => {
    if (!draft) return;
    const { replacing } = draft;
    if (replacing && !(await deleteMapping(replacing))) return;
    const outcome = await create.mutate({
      input: { marketplaceId, amazonAttribute: draft.amazonAttribute.trim(), sources: draft.sources },
    });
    const created = outcome.data?.amazonFieldMappingCreate?.fieldMapping;
    setProblem(outcome.ok ? { fieldErrors: [] } : { fieldErrors: outcome.fieldErrors, error: outcome.error });
    if (outcome.ok && created) {
      setMappings((rows) => [...rows.filter((r) => r.amazonAttribute !== created.amazonAttribute), created]);
      setDraft(null);
      notify({ status: "success", title: `${created.amazonAttribute} mapped` });
      onChanged();
      return;
    }
    if (replacing) {
      // Keep the merchant's old mapping rather than leave the attribute unmapped.
      const restored = await create.mutate({
        input: { marketplaceId, amazonAttribute: replacing.amazonAttribute, sources: replacing.sources },
      });
      const back = restored.data?.amazonFieldMappingCreate?.fieldMapping;
      if (back) setMappings((rows) => [...rows, back]);
      setDraft({ ...draft, replacing: back ?? null });
    }
  };

  const startDraft = (next: Draft) => {
    setProblem({ fieldErrors: [] });
    setDraft(next);
  };
  const fieldErrors = problem.fieldErrors;

  return (
    <Dialog
      title="Fields mapping"
      onClose={onClose}
      footer={
        draft ? (
          <>
            <Button variant="tertiary" onClick={() => setDraft(null)}>
              Cancel
            </Button>
            <Button variant="primary" onClick={() => void save()} disabled={create.running || remove.running || !draft.amazonAttribute.trim() || draft.sources.length === 0}>
              {create.running ? "Saving…" : "Save mapping"}
            </Button>
          </>
        ) : (
          <Button variant="primary" onClick={() => startDraft({ replacing: null, amazonAttribute: "", sources: [] })}>
            Add mapping
          </Button>
        )
      }
    >
      <Text size={2} color="default2">
        Product and category mappings (set on the product or category) take precedence over these.
      </Text>
      {mappings.length === 0 ? (
        <EmptyState title="No fields mapped">Amazon gets the plugin's defaults (product name, description, SKU…).</EmptyState>
      ) : (
        <Table label="Field mappings" head={["Amazon attribute", "Saleor sources (in order)", ""]}>
          {mappings.map((mapping) => (
            <tr key={mapping.id}>
              <Cell>
                <Text size={3} fontWeight="medium">
                  {mapping.amazonAttribute}
                </Text>
                <Text size={2} color="default2" display="block">
                  {attributeLabel(mapping.amazonAttribute)}
                </Text>
              </Cell>
              <Cell>
                <Box as="ol" aria-label={`Sources for ${mapping.amazonAttribute}`} margin={0} paddingLeft={4}>
                  {mapping.sources.map((source, index) => (
                    <li key={index}>
                      <Text size={3} fontFamily="Geist Mono">
                        {source}
                      </Text>
                    </li>
                  ))}
                </Box>
              </Cell>
              <Cell>
                <Box display="flex" gap={1}>
                  <Button
                    variant="tertiary"
                    size="small"
                    aria-label={`Edit ${mapping.amazonAttribute}`}
                    onClick={() => startDraft({ replacing: mapping, amazonAttribute: mapping.amazonAttribute, sources: [...mapping.sources] })}
                  >
                    Edit
                  </Button>
                  <Button variant="tertiary" size="small" aria-label={`Delete ${mapping.amazonAttribute}`} onClick={() => void deleteMapping(mapping)} disabled={remove.running}>
                    Delete
                  </Button>
                </Box>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      {draft ? <MappingEditor draft={draft} onChange={setDraft} errors={fieldErrors} /> : null}
      {draft ? <FormErrors errors={fieldErrors} placed={["amazonAttribute", "sources"]} /> : null}
      {problem.error && !problem.fieldErrors.length ? <ErrorNotice error={problem.error} /> : null}
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      <FormErrors errors={remove.fieldErrors} placed={[]} />
    </Dialog>
  );
}
