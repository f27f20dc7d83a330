import { Box, Button, Text } from "@saleor/macaw-ui";
import { X } from "lucide-react";
import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A pop-up in the dashboard's modal look. Not macaw-ui's Modal: its Radix
 * dialog hides everything outside itself from assistive technology, and
 * macaw-ui's Select renders its options outside (in a portal on <body>), so
 * the options of a select inside the pop-up could not be read or chosen.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  width = "720px",
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  width?: string;
}) {
  const titleId = useId();
  const panelRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    panelRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      // A select's own Escape closes its list first; only a bare Escape closes the pop-up.
      if (event.key === "Escape" && !event.defaultPrevented) onCloseRef.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      previous?.focus?.();
    };
  }, []);

  return (
    <Box position="fixed" __inset="0" display="flex" alignItems="center" justifyContent="center" __backgroundColor="rgba(0, 0, 0, 0.4)" __zIndex="10">
      <Box
        ref={panelRef}
        role="dialog"
        aria-labelledby={titleId}
        tabIndex={-1}
        backgroundColor="default1"
        borderRadius={4}
        padding={6}
        display="flex"
        flexDirection="column"
        gap={4}
        __width={`min(${width}, 94vw)`}
        __maxHeight="90vh"
        overflowY="auto"
        boxShadow="defaultModal"
        style={{ outline: "none" }}
      >
        <Box display="flex" justifyContent="space-between" alignItems="center" gap={4}>
          <Text id={titleId} as="h2" size={6} fontWeight="bold">
            {title}
          </Text>
          <Button variant="tertiary" size="small" icon={<X size={16} />} aria-label="Close" onClick={onClose} />
        </Box>
        {children}
        {footer ? (
          <Box display="flex" justifyContent="flex-end" gap={2}>
            {footer}
          </Box>
        ) : null}
      </Box>
    </Box>
  );
}
