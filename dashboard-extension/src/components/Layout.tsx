import { Box, Chip, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

export function Section({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Box
      as="section"
      aria-label={title}
      display="flex"
      flexDirection="column"
      gap={4}
      padding={5}
      borderColor="default1"
      borderStyle="solid"
      borderWidth={1}
      borderRadius={4}
    >
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={4} flexWrap="wrap">
        <Box display="flex" flexDirection="column" gap={1}>
          <Text as="h2" size={5} fontWeight="bold">
            {title}
          </Text>
          {description ? (
            <Text size={2} color="default2">
              {description}
            </Text>
          ) : null}
        </Box>
        {actions ? (
          <Box display="flex" gap={2} flexWrap="wrap">
            {actions}
          </Box>
        ) : null}
      </Box>
      {children}
    </Box>
  );
}

type Tone = "success" | "critical" | "warning" | "info" | "neutral";

const TONE_COLORS: Record<Tone, { backgroundColor: "success1" | "critical1" | "warning1" | "info1" | "default1"; color: "default1" }> = {
  success: { backgroundColor: "success1", color: "default1" },
  critical: { backgroundColor: "critical1", color: "default1" },
  warning: { backgroundColor: "warning1", color: "default1" },
  info: { backgroundColor: "info1", color: "default1" },
  neutral: { backgroundColor: "default1", color: "default1" },
};

const STATUS_TONES: Record<string, Tone> = {
  CONFIGURED: "success",
  DONE: "success",
  SUCCESS: "success",
  IMPORTED: "success",
  CONFIRMED: "success",
  ACCEPTED: "success",
  VALID: "success",
  ERROR: "critical",
  FATAL: "critical",
  FAILED: "critical",
  INVALID: "critical",
  REJECTED: "critical",
  UPLOADED: "info",
  HELD: "warning",
  QUOTA: "warning",
  SETTLING: "info",
  PENDING: "info",
  RUNNING: "info",
  IN_PROGRESS: "info",
  IN_QUEUE: "info",
  SUBMITTED: "info",
  NEW: "neutral",
};

export function StatusChip({ status, label }: { status: string; label?: string }) {
  const tone = STATUS_TONES[status.toUpperCase()] ?? "neutral";
  const colors = TONE_COLORS[tone];
  return (
    <Chip size="medium" backgroundColor={colors.backgroundColor} borderColor="transparent" data-tone={tone}>
      <Text size={2} color={colors.color}>
        {label ?? status}
      </Text>
    </Chip>
  );
}

export function KeyValue({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box display="flex" flexDirection="column" gap={0.5}>
      <Text size={2} color="default2">
        {label}
      </Text>
      <Box>{typeof children === "string" || typeof children === "number" ? <Text size={3}>{children}</Text> : children}</Box>
    </Box>
  );
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Box
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        backgroundColor="default1"
        borderRadius={2}
        __height="8px"
        overflow="hidden"
      >
        <Box backgroundColor="accent1" __height="100%" __width={`${percent}%`} />
      </Box>
      <Text size={2} color="default2">
        {max > 0 ? `${value} of ${max}` : "Waiting for Amazon…"}
      </Text>
    </Box>
  );
}
