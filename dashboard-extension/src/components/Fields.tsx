import { Box, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import { useId, type ReactNode } from "react";

import { InlineError } from "./FormErrors";

/**
 * Form controls that carry the API's message for their field right under
 * them, linked with aria-describedby so screen readers read it too.
 */

type TextFieldProps = {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  helperText?: ReactNode;
  type?: "text" | "number" | "password";
  disabled?: boolean;
  autoComplete?: string;
  placeholder?: string;
  /** id of a <datalist> with suggestions */
  list?: string;
};

export function TextField({ label, value, onChange, error, helperText, type = "text", disabled, autoComplete, placeholder, list }: TextFieldProps) {
  const errorId = useId();
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Input
        label={label}
        value={value}
        type={type}
        disabled={disabled}
        error={Boolean(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        autoComplete={autoComplete}
        placeholder={placeholder}
        list={list}
        helperText={helperText}
        onChange={(event) => onChange(event.target.value)}
      />
      <InlineError id={errorId} message={error} />
    </Box>
  );
}

export type Choice = { label: string; value: string };

type SelectFieldProps = {
  label: string;
  value: string | null;
  options: Choice[];
  onChange(value: string): void;
  error?: string;
  helperText?: ReactNode;
  disabled?: boolean;
};

export function SelectField({ label, value, options, onChange, error, helperText, disabled }: SelectFieldProps) {
  const errorId = useId();
  const selected = options.find((o) => o.value === value) ?? null;
  // macaw-ui's Select drops aria-describedby, so the field's group carries the error.
  return (
    <Box role="group" aria-label={label} aria-describedby={error ? errorId : undefined} display="flex" flexDirection="column" gap={1}>
      <Select
        label={label}
        options={options}
        value={selected}
        disabled={disabled}
        error={Boolean(error)}
        helperText={helperText}
        onChange={(option: Choice) => onChange(option.value)}
      />
      <InlineError id={errorId} message={error} />
    </Box>
  );
}

export function CheckboxField({
  label,
  checked,
  onChange,
  description,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  description?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <Box display="flex" flexDirection="column" gap={0.5}>
      <Checkbox checked={checked} disabled={disabled} onCheckedChange={(state) => onChange(state === true)}>
        <Text size={3}>{label}</Text>
      </Checkbox>
      {description ? (
        <Box paddingLeft={6}>
          <Text size={2} color="default2">
            {description}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** A group of checkboxes (warehouses, feed kinds) whose API error names the group. */
export function CheckboxGroup({
  legend,
  options,
  selected,
  onChange,
  error,
  emptyText,
  disabled,
}: {
  legend: string;
  options: Choice[];
  selected: string[];
  onChange(values: string[]): void;
  error?: string;
  emptyText?: string;
  disabled?: boolean;
}) {
  const errorId = useId();
  return (
    <Box
      as="fieldset"
      aria-describedby={error ? errorId : undefined}
      display="flex"
      flexDirection="column"
      gap={2}
      borderWidth={0}
      padding={0}
      margin={0}
    >
      <legend>
        <Text size={3} fontWeight="medium">
          {legend}
        </Text>
      </legend>
      {options.length === 0 && emptyText ? (
        <Text size={2} color="default2">
          {emptyText}
        </Text>
      ) : null}
      {options.map((option) => (
        <CheckboxField
          key={option.value}
          label={option.label}
          checked={selected.includes(option.value)}
          disabled={disabled}
          onChange={(checked) =>
            onChange(checked ? [...selected, option.value] : selected.filter((value) => value !== option.value))
          }
        />
      ))}
      <InlineError id={errorId} message={error} />
    </Box>
  );
}

/** "" means "not set"; the API takes null for that. */
export function parseOptionalInt(value: string): number | null {
  const trimmed = value.trim();
  if (!trimmed) return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? Math.trunc(number) : null;
}
