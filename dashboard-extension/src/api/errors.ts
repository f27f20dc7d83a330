/** How the plugin's API (and Saleor's) report problems, turned into what a page shows. */

export type FieldError = { field: string | null; code: string; message: string };

export type GraphQLErrorEntry = {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: {
    exceptionCode?: string;
    code?: string;
    errors?: FieldError[];
    amazonCode?: string;
    permissions?: string[];
  };
};

export type ApiErrorKind =
  | "no-token"
  | "unauthenticated"
  | "permission"
  | "input"
  | "amazon"
  | "network"
  | "server";

// Saleor answers a bad or expired JWT with PyJWT's exception names; the
// plugin with extensions.code UNAUTHENTICATED.
const TOKEN_EXCEPTIONS = new Set([
  "ExpiredSignatureError",
  "InvalidSignatureError",
  "InvalidTokenError",
  "DecodeError",
  "JSONWebTokenError",
]);

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly fieldErrors: FieldError[];
  readonly graphQLErrors: GraphQLErrorEntry[];

  constructor(
    kind: ApiErrorKind,
    message: string,
    options: { fieldErrors?: FieldError[]; graphQLErrors?: GraphQLErrorEntry[] } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.fieldErrors = options.fieldErrors ?? [];
    this.graphQLErrors = options.graphQLErrors ?? [];
  }
}

export function isUnauthenticated(error: GraphQLErrorEntry): boolean {
  const ext = error.extensions ?? {};
  return ext.code === "UNAUTHENTICATED" || TOKEN_EXCEPTIONS.has(ext.exceptionCode ?? "");
}

export function isPermissionDenied(error: GraphQLErrorEntry): boolean {
  return error.extensions?.exceptionCode === "PermissionDenied";
}

/** The single error a page should react to, most decisive first. */
export function classify(errors: GraphQLErrorEntry[]): ApiError {
  const unauthenticated = errors.find(isUnauthenticated);
  if (unauthenticated) {
    return new ApiError(
      "unauthenticated",
      "Your session has expired. Reload the page to continue.",
      { graphQLErrors: errors },
    );
  }
  const denied = errors.find(isPermissionDenied);
  if (denied) {
    return new ApiError("permission", denied.message, { graphQLErrors: errors });
  }
  const fieldErrors = errors.flatMap((e) => e.extensions?.errors ?? []);
  if (fieldErrors.length > 0) {
    return new ApiError("input", fieldErrors.map((e) => e.message).join(" "), {
      fieldErrors,
      graphQLErrors: errors,
    });
  }
  if (errors.some((e) => e.extensions?.amazonCode)) {
    return new ApiError("amazon", errors.map((e) => e.message).join(" "), {
      graphQLErrors: errors,
    });
  }
  const message = errors.map((e) => e.message).join(" ") || "The server could not answer.";
  return new ApiError("server", message, { graphQLErrors: errors });
}

/** Mutation payload errors are keyed like `input.name` or `productTypes[0].productType`. */
export function normaliseField(field: string | null): string | null {
  if (!field) return null;
  return field.replace(/^input\./, "");
}

export function errorFor(errors: FieldError[], field: string): string | undefined {
  const found = errors.filter((e) => normaliseField(e.field) === field);
  return found.length ? found.map((e) => e.message).join(" ") : undefined;
}

/** Errors no form field shows, so the form shows them above its buttons. */
export function unplacedErrors(errors: FieldError[], placedFields: ReadonlyArray<string>): FieldError[] {
  return errors.filter((e) => {
    const field = normaliseField(e.field);
    return !field || !placedFields.some((p) => field === p || field.startsWith(`${p}[`) || field.startsWith(`${p}.`));
  });
}

/**
 * Fields the server refused to this token while answering the rest (a
 * PermissionDenied error deeper than the root field): their names, e.g.
 * `account` for ["amazonMarketplaces", "edges", 0, "node", "account"].
 */
export function deniedFields(errors: ReadonlyArray<GraphQLErrorEntry>): Set<string> {
  const names = new Set<string>();
  for (const error of errors) {
    if (!isPermissionDenied(error) || !error.path || error.path.length <= 1) continue;
    const name = [...error.path].reverse().find((segment): segment is string => typeof segment === "string");
    if (name) names.add(name);
  }
  return names;
}
