/**
 * What a key may do (design §6). `admin` implies every other role within its merchant: an admin
 * key can drive checkouts and read everything its merchant owns, as well as manage keys.
 */
export const ROLES = ['pos', 'finance', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** True when a key of `role` may call a route open to `allowed`. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}
