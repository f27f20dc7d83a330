import { Box, Button, Text } from "@saleor/macaw-ui";
import { Plus, Trash2 } from "lucide-react";
import { useId, useState } from "react";

import { errorFor, type FieldError } from "../api/errors";
import { useSaleorAttributes } from "../api/saleorData";
import { TextField } from "../components/Fields";
import { AMAZON_ATTRIBUTES, attributeLabel, sourceSuggestions } from "../mapping/catalog";
import { SourceListEditor } from "../mapping/SourceListEditor";

export type OptionMapping = { amazonAttribute: string; sources: string[] };

/**
 * Category- or product-level mappings. They are saved as one list, so the
 * API's errors come back as `mappings[i].amazonAttribute` / `mappings[i].sources`.
 */
export function OptionMappingsEditor({
  mappings,
  onChange,
  errors,
  inheritNote,
}: {
  mappings: OptionMapping[];
  onChange(mappings: OptionMapping[]): void;
  errors: FieldError[];
  inheritNote: string;
}) {
  const attributes = useSaleorAttributes();
  const suggestions = sourceSuggestions(attributes);
  const listId = useId();
  const [newAttribute, setNewAttribute] = useState("");

  const update = (index: number, mapping: OptionMapping) => onChange(mappings.map((m, i) => (i === index ? mapping : m)));

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Text size={2} color="default2">
        {inheritNote}
      </Text>
      <datalist id={listId}>
        {AMAZON_ATTRIBUTES.map(([name, label]) => (
          <option key={name} value={name}>
            {label}
          </option>
        ))}
      </datalist>
      {mappings.map((mapping, index) => (
        <Box
          key={`${mapping.amazonAttribute}-${index}`}
          as="section"
          aria-label={`Mapping for ${mapping.amazonAttribute}`}
          display="flex"
          flexDirection="column"
          gap={2}
          padding={3}
          borderColor="default1"
          borderStyle="solid"
          borderWidth={1}
          borderRadius={3}
        >
          <Box display="flex" justifyContent="space-between" alignItems="center">
            <Box>
              <Text size={3} fontWeight="bold">
                {mapping.amazonAttribute}
              </Text>{" "}
              <Text size={2} color="default2">
                {attributeLabel(mapping.amazonAttribute)}
              </Text>
            </Box>
            <Button
              variant="tertiary"
              size="small"
              icon={<Trash2 size={16} />}
              aria-label={`Remove mapping for ${mapping.amazonAttribute}`}
              onClick={() => onChange(mappings.filter((_, i) => i !== index))}
            />
          </Box>
          {errorFor(errors, `mappings[${index}].amazonAttribute`) ? (
            <Text size={2} color="critical1" role="alert">
              {errorFor(errors, `mappings[${index}].amazonAttribute`)}
            </Text>
          ) : null}
          <SourceListEditor
            label={`Sources for ${mapping.amazonAttribute}`}
            sources={mapping.sources}
            onChange={(sources) => update(index, { ...mapping, sources })}
            suggestions={suggestions}
            error={errorFor(errors, `mappings[${index}].sources`)}
            errorAt={(i) => errorFor(errors, `mappings[${index}].sources[${i}]`)}
          />
        </Box>
      ))}
      <Box display="flex" gap={2} alignItems="flex-start">
        <Box flexGrow="1">
          <TextField label="Amazon attribute to map" value={newAttribute} onChange={setNewAttribute} list={listId} helperText={attributeLabel(newAttribute) || "e.g. brand"} />
        </Box>
        <Button
          variant="secondary"
          icon={<Plus size={16} />}
          disabled={!newAttribute.trim() || mappings.some((m) => m.amazonAttribute === newAttribute.trim())}
          onClick={() => {
            onChange([...mappings, { amazonAttribute: newAttribute.trim(), sources: [] }]);
            setNewAttribute("");
          }}
        >
          Add mapping
        </Button>
      </Box>
    </Box>
  );
}
