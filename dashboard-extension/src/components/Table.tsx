import { Box, Text, vars } from "@saleor/macaw-ui";
import type { CSSProperties, ReactNode } from "react";

const cellStyle: CSSProperties = {
  padding: `${vars.spacing[2]} ${vars.spacing[2]}`,
  borderBottom: `1px solid ${vars.colors.border.default1}`,
  textAlign: "left",
  verticalAlign: "top",
};

/** A plain table styled like the dashboard's lists; a grid library would be overkill here. */
export function Table({ label, head, children }: { label: string; head: ReactNode[]; children: ReactNode }) {
  return (
    <Box overflowX="auto">
      <table aria-label={label} style={{ width: "100%", borderCollapse: "collapse" }}>
        <thead>
          <tr>
            {head.map((cell, index) => (
              <th key={index} style={cellStyle}>
                {typeof cell === "string" ? (
                  <Text size={2} color="default2" fontWeight="medium">
                    {cell}
                  </Text>
                ) : (
                  cell
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </Box>
  );
}

export function Cell({ children, colSpan }: { children?: ReactNode; colSpan?: number }) {
  return (
    <td colSpan={colSpan} style={cellStyle}>
      {typeof children === "string" || typeof children === "number" ? <Text size={3}>{children}</Text> : children}
    </td>
  );
}
