import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { ArrowDown, ArrowUp, GripVertical, Trash2 } from "lucide-react";
import { useId, useState, type DragEvent } from "react";

import { InlineError } from "../components/FormErrors";
import { sourceLabel, type SourceSuggestion } from "./catalog";

type Props = {
  label: string;
  sources: string[];
  onChange(sources: string[]): void;
  suggestions: SourceSuggestion[];
  /** The API's message for the list as a whole (field `sources`). */
  error?: string;
  /** The API's message for one entry (field `sources[i]`). */
  errorAt?(index: number): string | undefined;
};

export function moveItem<T>(items: T[], from: number, to: number): T[] {
  if (from === to || to < 0 || to >= items.length) return items;
  const next = [...items];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as T);
  return next;
}

/**
 * An ordered list of Saleor sources: the first non-empty one wins on Amazon,
 * so order is the point. Rows can be dragged, or moved with their up/down
 * buttons for keyboard users.
 */
export function SourceListEditor({ label, sources, onChange, suggestions, error, errorAt }: Props) {
  const listId = useId();
  const [draft, setDraft] = useState("");
  const [dragging, setDragging] = useState<number | null>(null);

  const add = () => {
    const value = draft.trim();
    if (!value) return;
    onChange([...sources, value]);
    setDraft("");
  };

  const onDrop = (event: DragEvent, index: number) => {
    event.preventDefault();
    const from = dragging ?? Number(event.dataTransfer.getData("text/plain"));
    setDragging(null);
    if (Number.isInteger(from)) onChange(moveItem(sources, from, index));
  };

  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Text size={3} fontWeight="medium" id={`${listId}-label`}>
        {label}
      </Text>
      <Box as="ol" aria-labelledby={`${listId}-label`} display="flex" flexDirection="column" gap={1} padding={0} margin={0}>
        {sources.map((source, index) => (
          <Box
            as="li"
            key={`${source}-${index}`}
            draggable
            onDragStart={(event: DragEvent) => {
              setDragging(index);
              event.dataTransfer.setData("text/plain", String(index));
            }}
            onDragOver={(event: DragEvent) => event.preventDefault()}
            onDrop={(event: DragEvent) => onDrop(event, index)}
            display="flex"
            flexDirection="column"
            gap={1}
            padding={2}
            borderColor={dragging === index ? "accent1" : "default1"}
            borderStyle="solid"
            borderWidth={1}
            borderRadius={3}
            listStyleType="none"
          >
            <Box display="flex" alignItems="center" gap={2}>
              <Box cursor="grabbing" color="default2" aria-hidden>
                <GripVertical size={16} />
              </Box>
              <Text size={2} color="default2">
                {index + 1}.
              </Text>
              <Box display="flex" flexDirection="column" flexGrow="1">
                <Text size={3} fontFamily="Geist Mono">
                  {source}
                </Text>
                {sourceLabel(source) ? (
                  <Text size={1} color="default2">
                    {sourceLabel(source)}
                  </Text>
                ) : null}
              </Box>
              <Button
                variant="tertiary"
                size="small"
                icon={<ArrowUp size={16} />}
                aria-label={`Move ${source} up`}
                disabled={index === 0}
                onClick={() => onChange(moveItem(sources, index, index - 1))}
              />
              <Button
                variant="tertiary"
                size="small"
                icon={<ArrowDown size={16} />}
                aria-label={`Move ${source} down`}
                disabled={index === sources.length - 1}
                onClick={() => onChange(moveItem(sources, index, index + 1))}
              />
              <Button
                variant="tertiary"
                size="small"
                icon={<Trash2 size={16} />}
                aria-label={`Remove ${source}`}
                onClick={() => onChange(sources.filter((_, i) => i !== index))}
              />
            </Box>
            <InlineError message={errorAt?.(index)} />
          </Box>
        ))}
      </Box>
      {sources.length === 0 ? (
        <Text size={2} color="default2">
          No sources yet: add at least one.
        </Text>
      ) : null}
      <Box display="flex" gap={2} alignItems="flex-start">
        <Box flexGrow="1">
          <Input
            label="Add a source"
            value={draft}
            list={`${listId}-suggestions`}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                add();
              }
            }}
            helperText="e.g. product.name, attribute:brand, metadata:ean, literal:Acme"
          />
          <datalist id={`${listId}-suggestions`}>
            {suggestions.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </datalist>
        </Box>
        <Button variant="secondary" onClick={add} disabled={!draft.trim()}>
          Add source
        </Button>
      </Box>
      <InlineError message={error} />
    </Box>
  );
}
