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
  FieldMappingUpdateDocument,
  type FieldMappingRowFragment,
} from "../../gql/plugin/graphql";
import { AMAZON_ATTRIBUTES, attributeLabel, sourceSuggestions } from "../../mapping/catalog";
import { SourceListEditor } from "../../mapping/SourceListEditor";

/** A mapping being written: a new one (editing null) or an existing one's sources. */
type Draft = { editing: FieldMappingRowFragment | null; amazonAttribute: string; sources: string[] };

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
          disabled={draft.editing !== null}
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
 * non-empty of its ordered Saleor sources. A new attribute is created; an
 * existing one keeps its attribute and gets its sources replaced in place
 * (amazonFieldMappingUpdate), e.g. after reordering.
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
  // Why the last save was refused, whichever mutation it ran.
  const [problem, setProblem] = useState<{ fieldErrors: FieldError[]; error?: ApiError }>({ fieldErrors: [] });
  useEffect(() => setMappings(initialMappings ?? []), [initialMappings]);
  const create = useMutation(FieldMappingCreateDocument, (d) => d.amazonFieldMappingCreate);
  const update = useMutation(FieldMappingUpdateDocument, (d) => d.amazonFieldMappingUpdate);
  const remove = useMutation(FieldMappingDeleteDocument, (d) => d.amazonFieldMappingDelete);

  const deleteMapping = async (mapping: FieldMappingRowFragment) => {
    const outcome = await remove.mutate({ id: mapping.id });
    if (outcome.ok) {
      setMappings((rows) => rows.filter((row) => row.id !== mapping.id));
      setDraft((current) => (current?.editing?.id === mapping.id ? null : current));
      notify({ status: "success", title: `Mapping for ${mapping.amazonAttribute} deleted` });
      onChanged();
    }
  };

  /** Saves the draft: the saved mapping, or null with the reason kept in `problem`. */
  const persist = async ({ editing, amazonAttribute, sources }: Draft): Promise<FieldMappingRowFragment | null> => {
    if (editing) {
      const outcome = await update.mutate({ id: editing.id, input: { sources } });
      setProblem(outcome.ok ? { fieldErrors: [] } : { fieldErrors: outcome.fieldErrors, error: outcome.error });
      return outcome.ok ? (outcome.data.amazonFieldMappingUpdate?.fieldMapping ?? null) : null;
    }
    const outcome = await create.mutate({ input: { marketplaceId, amazonAttribute: amazonAttribute.trim(), sources } });
    setProblem(outcome.ok ? { fieldErrors: [] } : { fieldErrors: outcome.fieldErrors, error: outcome.error });
    return outcome.ok ? (outcome.data.amazonFieldMappingCreate?.fieldMapping ?? null) : null;
  };

  const save = async () => {
    if (!draft) return;
    const saved = await persist(draft);
    if (!saved) return;
    // An edited mapping keeps its place in the list; a new one goes last.
    setMappings((rows) =>
      rows.some((r) => r.id === saved.id)
        ? rows.map((r) => (r.id === saved.id ? saved : r))
        : [...rows.filter((r) => r.amazonAttribute !== saved.amazonAttribute), saved],
    );
    setDraft(null);
    notify({ status: "success", title: `${saved.amazonAttribute} mapped` });
    onChanged();
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
            <Button
              variant="primary"
              onClick={() => void save()}
              disabled={create.running || update.running || remove.running || !draft.amazonAttribute.trim() || draft.sources.length === 0}
            >
              {create.running || update.running ? "Saving…" : "Save mapping"}
            </Button>
          </>
        ) : (
          <Button variant="primary" onClick={() => startDraft({ editing: null, amazonAttribute: "", sources: [] })}>
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
                    onClick={() => startDraft({ editing: mapping, amazonAttribute: mapping.amazonAttribute, sources: [...mapping.sources] })}
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
