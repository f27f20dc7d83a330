import { Box, Button, Skeleton, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import type { ApiError } from "../api/errors";
import type { QueryState } from "../api/hooks";

const PERMISSION_NAMES: Record<string, string> = {
  MANAGE_CHANNELS: "Manage channels",
  MANAGE_PRODUCTS: "Manage products",
  MANAGE_ORDERS: "Manage orders",
  MANAGE_SHIPPING: "Manage shipping",
};

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <Box display="flex" flexDirection="column" gap={2} aria-busy="true" role="status" aria-label={label}>
      <Skeleton __height="20px" />
      <Skeleton __height="20px" __width="70%" />
      <Skeleton __height="20px" __width="40%" />
    </Box>
  );
}

export function Notice({
  tone,
  title,
  children,
  action,
}: {
  tone: "critical" | "warning" | "info";
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  const border = tone === "critical" ? "critical1" : tone === "warning" ? "warning1" : "info1";
  return (
    <Box
      role={tone === "critical" ? "alert" : "status"}
      borderColor={border}
      borderStyle="solid"
      borderWidth={1}
      borderRadius={3}
      padding={4}
      display="flex"
      flexDirection="column"
      gap={2}
    >
      <Text size={4} fontWeight="bold">
        {title}
      </Text>
      {children ? <Text size={3}>{children}</Text> : null}
      {action ? <Box>{action}</Box> : null}
    </Box>
  );
}

export function PermissionNotice({ permission, what }: { permission: string; what: string }) {
  return (
    <Notice tone="warning" title="You don't have access to this">
      Seeing {what} needs the “{PERMISSION_NAMES[permission] ?? permission}” permission ({permission}). Ask a
      Saleor administrator to grant it to your account.
    </Notice>
  );
}

/** “Manage channels” or “Manage products” permission (MANAGE_CHANNELS or MANAGE_PRODUCTS) */
export function permissionPhrase(permissions: ReadonlyArray<string>): string {
  const names = permissions.map((p) => `“${PERMISSION_NAMES[p] ?? p}”`);
  const joined = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : (names[0] ?? "");
  return `the ${joined} permission (${permissions.join(" or ")})`;
}

/**
 * A short line where one part of a page is not permitted while the rest is
 * (the server refused some fields): says what is missing and which
 * permission would show it.
 */
export function PermissionNote({
  permissions,
  what,
  verb = "Seeing",
}: {
  permissions: ReadonlyArray<string>;
  what: string;
  verb?: string;
}) {
  return (
    <Text size={2} color="default2" role="note">
      {verb} {what} needs {permissionPhrase(permissions)}.
    </Text>
  );
}

export function ErrorNotice({
  error,
  onRetry,
  permission,
  what,
}: {
  error: ApiError;
  onRetry?: () => void;
  permission?: string;
  what?: string;
}) {
  if (error.kind === "permission" && permission && what) {
    return <PermissionNotice permission={permission} what={what} />;
  }
  const title =
    error.kind === "permission"
      ? "You don't have access to this"
      : error.kind === "unauthenticated"
        ? "Your session has expired"
        : error.kind === "network"
          ? "Could not reach the server"
          : error.kind === "amazon"
            ? "Amazon returned an error"
            : "Something went wrong";
  return (
    <Notice
      tone="critical"
      title={title}
      action={
        onRetry && error.kind !== "unauthenticated" && error.kind !== "permission" ? (
          <Button variant="secondary" size="small" onClick={onRetry}>
            Try again
          </Button>
        ) : null
      }
    >
      {error.message}
    </Notice>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Box padding={6} display="flex" flexDirection="column" alignItems="center" gap={2}>
      <Text size={4} fontWeight="medium">
        {title}
      </Text>
      {children ? (
        <Text size={3} color="default2">
          {children}
        </Text>
      ) : null}
    </Box>
  );
}

/** Loading, error and permission states of one query, then its data. */
export function QueryView<T>({
  query,
  permission,
  what,
  children,
}: {
  query: QueryState<T>;
  permission: string;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.error) {
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} permission={permission} what={what} />;
  }
  if (query.data === undefined) return <Loading label={`Loading ${what}…`} />;
  return <>{children(query.data)}</>;
}
