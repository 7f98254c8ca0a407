import { createHmac } from 'node:crypto';
import { canonicalAuditContent, chainHash, type AuditRowContent } from './audit-chain';
import { sealCanonical, type SealContent } from './audit-seal';

/**
 * The keys of the audit chain and seals: HMAC-SHA256 under a secret the database does not hold, so
 * whoever can rewrite audit_events and audit_seals (the owner role, a superuser) cannot recompute a
 * link or a seal that verifies. Each row and seal stores the id of the key it was hashed with
 * (`key_id`), so keys rotate: new rows use the current key; rows under an older key verify while its
 * id is listed in AUDIT_CHAIN_OLD_KEYS. A row or seal without a key id was written before keys
 * (the plain SHA-256 chain): it still verifies, as `legacy`, and is counted apart by verify.
 */
export class AuditChainKeys {
  private readonly keys: ReadonlyMap<string, string>;

  constructor(
    readonly currentId: string,
    currentKey: string,
    older: ReadonlyMap<string, string> = new Map(),
  ) {
    this.keys = new Map([...older, [currentId, currentKey]]);
  }

  /** Every id that verifies, the current one first. */
  get knownIds(): string[] {
    return [this.currentId, ...[...this.keys.keys()].filter((id) => id !== this.currentId)];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /**
   * The link of `canonical` onto `prevHash`: HMAC-SHA256 under the key `keyId` names, or plain
   * SHA-256 for a legacy row or seal (`keyId` null). Throws UnknownAuditKeyError for an id no
   * configured key has.
   */
  hash(keyId: string | null, prevHash: string, canonical: string): string {
    if (keyId === null) return chainHash(prevHash, canonical);
    const key = this.keys.get(keyId);
    if (key === undefined) throw new UnknownAuditKeyError(keyId);
    return createHmac('sha256', key).update(prevHash).update(canonical).digest('hex');
  }

  /** An audit row's row_hash under `keyId` (null: the legacy plain chain). */
  rowHash(keyId: string | null, prevHash: string, row: AuditRowContent): string {
    return this.hash(keyId, prevHash, canonicalAuditContent(row));
  }

  /** A seal's seal_hash under `keyId` (null: a legacy plain seal). */
  sealHash(keyId: string | null, prevSealHash: string, content: SealContent): string {
    return this.hash(keyId, prevSealHash, sealCanonical(content));
  }
}

export class UnknownAuditKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`audit key id "${keyId}" is neither AUDIT_CHAIN_KEY_ID nor listed in AUDIT_CHAIN_OLD_KEYS`);
  }
}

/** `id:key,id:key` (AUDIT_CHAIN_OLD_KEYS) as a map; the caller has validated the syntax. */
export function parseOldAuditKeys(list: string | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of (list ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    keys.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  return keys;
}
