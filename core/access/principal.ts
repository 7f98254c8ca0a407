import type { Role } from './roles';

/** Who is calling: the key's id, role and scope. The merchant of every request comes from here. */
export interface Principal {
  keyId: string;
  role: Role;
  merchant: string;
  /** Null: every store of the merchant. */
  store: string | null;
  /** Null: every till in scope. */
  till: string | null;
  rateLimitPerMinute: number;
}
