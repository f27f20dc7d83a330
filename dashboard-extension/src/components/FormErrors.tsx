import { Box, Text } from "@saleor/macaw-ui";

import { unplacedErrors, type FieldError } from "../api/errors";

/** Errors that belong to no visible field (or to the whole input). */
export function FormErrors({ errors, placed }: { errors: FieldError[]; placed: ReadonlyArray<string> }) {
  const rest = unplacedErrors(errors, placed);
  if (!rest.length) return null;
  return (
    <Box role="alert" display="flex" flexDirection="column" gap={1}>
      {rest.map((error, index) => (
        <Text key={index} size={2} color="critical1">
          {error.field ? `${error.field}: ` : ""}
          {error.message}
        </Text>
      ))}
    </Box>
  );
}

export function InlineError({ id, message }: { id?: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <Text id={id} size={2} color="critical1" role="alert">
      {message}
    </Text>
  );
}
