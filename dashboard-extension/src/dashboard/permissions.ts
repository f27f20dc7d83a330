import { useDashboard } from "./DashboardContext";

/**
 * Whether the token lacks a permission: true only when the dashboard handed
 * over the token's permissions (the App's, narrowed to the user's) and the
 * permission is not among them. Unknown means "not known to be missing";
 * the server's answer (refused fields) remains the authority.
 */
export function useLacksPermission(): (permission: string) => boolean {
  const { tokenPermissions } = useDashboard();
  return (permission) => tokenPermissions.length > 0 && !tokenPermissions.includes(permission);
}
