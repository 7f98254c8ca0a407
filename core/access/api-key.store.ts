import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { apiKeyMatches, generateApiKey, parseApiKey } from './api-key-format';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { ApiKey } from './api-key.entity';
import type { Principal } from './principal';
import type { Role } from './roles';

export interface NewApiKey {
  role: Role;
  merchant: string;
  store?: string | null;
  till?: string | null;
  rateLimitPerMinute: number;
  label?: string | null;
}

/** A key as listed: everything but its hash (the secret itself is never stored). */
export type ApiKeyListing = Omit<ApiKey, 'keyHash'>;

/** How long a key seen valid is trusted while Postgres cannot be asked. */
export const STALE_IF_UNAVAILABLE_MS = 5 * 60_000;

/** The api_keys table, one named method per query; used by the API guard, the CLI and `npm start`. */
export class ApiKeyStore {
  /** Keys seen valid lately, by key id: used only while Postgres is unreachable (see authenticate). */
  private readonly recentlyValid = new Map<string, { keyHash: string; principal: Principal; seenAt: number }>();

  constructor(private readonly dataSource: DataSource) {}

  /** Stores a new key and returns its text: the only time the secret exists outside the caller. */
  async create(spec: NewApiKey): Promise<{ key: string; keyId: string }> {
    const { key, keyId, hash } = generateApiKey();
    await this.dataSource.getRepository(ApiKey).insert({
      id: randomUUID(),
      keyId,
      keyHash: hash,
      role: spec.role,
      merchant: spec.merchant,
      store: spec.store ?? null,
      till: spec.till ?? null,
      rateLimitPerMinute: spec.rateLimitPerMinute,
      label: spec.label ?? null,
    });
    return { key, keyId };
  }

  /**
   * The principal of a presented key, or undefined when it is malformed, unknown, wrong or revoked.
   * It is read from Postgres on every request (a revocation counts at once). While
   * Postgres is unreachable, a key that was valid within STALE_IF_UNAVAILABLE_MS is still accepted:
   * tills keep selling through a database blip (their audit rows wait it out), and no new key gets in.
   */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    let row: ApiKey | null;
    try {
      row = await this.dataSource.getRepository(ApiKey).findOneBy({ keyId: parsed.keyId, revokedAt: IsNull() });
    } catch (err) {
      const recent = this.recentlyValid.get(parsed.keyId);
      if (!isDatabaseUnavailable(err) || !recent || Date.now() - recent.seenAt > STALE_IF_UNAVAILABLE_MS) throw err;
      return apiKeyMatches(presented, recent.keyHash) ? recent.principal : undefined;
    }
    if (!row || !apiKeyMatches(presented, row.keyHash)) {
      this.recentlyValid.delete(parsed.keyId);
      return undefined;
    }
    const principal: Principal = { keyId: row.keyId, role: row.role, merchant: row.merchant, store: row.store, till: row.till, rateLimitPerMinute: row.rateLimitPerMinute };
    this.recentlyValid.set(row.keyId, { keyHash: row.keyHash, principal, seenAt: Date.now() });
    return principal;
  }

  async list(filter: { merchant?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyListing[]> {
    const rows = await this.dataSource.getRepository(ApiKey).find({
      where: { ...(filter.merchant && { merchant: filter.merchant }), ...(!filter.includeRevoked && { revokedAt: IsNull() }) },
      order: { createdAt: 'ASC' },
    });
    return rows.map(({ keyHash: _hash, ...listing }) => listing);
  }

  /** 'revoked', 'already-revoked' or 'unknown'; a revoked key is refused from its next request on. */
  async revoke(keyId: string): Promise<'revoked' | 'already-revoked' | 'unknown'> {
    const repo = this.dataSource.getRepository(ApiKey);
    const result = await repo.update({ keyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    if (result.affected) return 'revoked';
    return (await repo.existsBy({ keyId })) ? 'already-revoked' : 'unknown';
  }

  /** Keys whose label starts with the prefix (the development keys `npm start` creates). */
  async countByLabelPrefix(merchant: string, prefix: string): Promise<number> {
    return this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .where('k.merchant = :merchant AND k.label LIKE :prefix', { merchant, prefix: `${prefix}%` })
      .getCount();
  }
}
