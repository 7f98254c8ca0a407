import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { apiKeyMatches, generateApiKey, parseApiKey } from './api-key-format';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { ApiKey } from './api-key.entity';
import type { Principal } from './principal';
import type { Role } from './roles';
import { recordSecurityEvent } from '../security/security-events';

export interface NewApiKey {
  role: Role;
  merchant: string;
  store?: string | null;
  till?: string | null;
  rateLimitPerMinute: number;
  label?: string | null;
}

/** Who creates or revokes a key, for its security event: `cli`, `system` (npm start, tests), or `key:<keyId>`. */
export interface KeyActor {
  actor: string;
  source: string | null;
}

/** A key as listed: everything but its hash (the secret itself is never stored). */
export type ApiKeyListing = Omit<ApiKey, 'keyHash'>;

/**
 * How long a key read from Postgres is trusted without reading it again: the most a revocation
 * takes to count in each API process. Reading api_keys on every request cost a query a request.
 */
export const VALID_KEY_CACHE_MS = 10_000;

/** How long a key seen valid is trusted while Postgres cannot be asked, by default (API_KEY_STALE_IF_UNAVAILABLE_MS). */
export const STALE_IF_UNAVAILABLE_MS = 5 * 60_000;

/** A key as last read from Postgres, valid (not revoked) at `seenAt`. */
interface ValidKey {
  keyHash: string;
  principal: Principal;
  seenAt: number;
}

/** The api_keys table, one named method per query; used by the API guard, the CLI and `npm start`. */
export class ApiKeyStore {
  /**
   * Keys seen valid lately, by key id (authenticate). Only keys found in Postgres and not revoked
   * get an entry, so the map holds at most the keys of api_keys, whatever ids callers make up.
   */
  private readonly recentlyValid = new Map<string, ValidKey>();

  /**
   * `now` is injectable so tests can pass the cache's window without waiting it out. A key seen valid
   * is trusted for `staleIfUnavailableMs` while Postgres is unreachable (tills keep selling through an
   * outage; a key revoked meanwhile counts from the end of it); 0 refuses every key then (503).
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly now: () => number = Date.now,
    private readonly staleIfUnavailableMs: number = STALE_IF_UNAVAILABLE_MS,
  ) {}

  /**
   * Stores a new key and returns its text: the only time the secret exists outside the caller. The
   * creation is a security event (`key_created`, who is `actor`), written in the same transaction.
   */
  async create(spec: NewApiKey, actor: KeyActor = { actor: 'system', source: null }): Promise<{ key: string; keyId: string }> {
    const { key, keyId, hash } = generateApiKey();
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(ApiKey).insert({
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
      await recordSecurityEvent(tx, {
        event: 'key_created',
        merchant: spec.merchant,
        ...actor,
        subject: keyId,
        outcome: 'ok',
        detail: { role: spec.role, store: spec.store ?? null, till: spec.till ?? null, rateLimitPerMinute: spec.rateLimitPerMinute },
      });
    });
    return { key, keyId };
  }

  /**
   * The principal of a presented key, or undefined when it is malformed, unknown, wrong or revoked.
   * A key read from Postgres within VALID_KEY_CACHE_MS is not read again, so a revocation counts
   * within that window; the presented key is checked against the hash on every request. A key
   * Postgres does not hold (or holds revoked) is not cached: it is refused either way, and ids a
   * caller makes up would only fill the map. While Postgres is unreachable, a key that was valid
   * within STALE_IF_UNAVAILABLE_MS is still accepted: tills keep selling through a database blip
   * (their audit rows wait it out), and no new key gets in.
   */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const key = await this.validKey(parsed.keyId);
    return key && apiKeyMatches(presented, key.keyHash) ? key.principal : undefined;
  }

  /** The key, cached for VALID_KEY_CACHE_MS, or stale while Postgres is unreachable; undefined when unknown or revoked. */
  private async validKey(keyId: string): Promise<ValidKey | undefined> {
    const recent = this.recentlyValid.get(keyId);
    const age = recent ? this.now() - recent.seenAt : Infinity;
    if (recent && age < VALID_KEY_CACHE_MS) return recent;
    let row: ApiKey | null;
    try {
      row = await this.dataSource.getRepository(ApiKey).findOneBy({ keyId, revokedAt: IsNull() });
    } catch (err) {
      if (!isDatabaseUnavailable(err) || !recent || age > this.staleIfUnavailableMs) throw err;
      return recent;
    }
    if (!row) {
      this.recentlyValid.delete(keyId);
      return undefined;
    }
    const principal: Principal = { keyId: row.keyId, role: row.role, merchant: row.merchant, store: row.store, till: row.till, rateLimitPerMinute: row.rateLimitPerMinute };
    const key = { keyHash: row.keyHash, principal, seenAt: this.now() };
    this.recentlyValid.set(keyId, key);
    return key;
  }

  async list(filter: { merchant?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyListing[]> {
    const rows = await this.dataSource.getRepository(ApiKey).find({
      where: { ...(filter.merchant && { merchant: filter.merchant }), ...(!filter.includeRevoked && { revokedAt: IsNull() }) },
      order: { createdAt: 'ASC' },
    });
    return rows.map(({ keyHash: _hash, ...listing }) => listing);
  }

  /**
   * 'revoked', 'already-revoked' or 'unknown'. A revoked key is refused from its next request on by
   * this store, and within VALID_KEY_CACHE_MS by every other (each API process caches what it read).
   */
  async revoke(keyId: string, actor: KeyActor = { actor: 'system', source: null }): Promise<'revoked' | 'already-revoked' | 'unknown'> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(ApiKey);
      const result = await repo.update({ keyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      const row = await repo.findOneBy({ keyId });
      const done = result.affected ? 'revoked' : row ? 'already-revoked' : 'unknown';
      // The revocation is a security event in the same transaction; an id no key has is not echoed (it may be a pasted key).
      await recordSecurityEvent(tx, { event: 'key_revoked', merchant: row?.merchant ?? null, ...actor, subject: row ? keyId : null, outcome: done });
      return done;
    });
    // After the update, not before: a read between the two would cache the key again.
    this.recentlyValid.delete(keyId);
    return outcome;
  }

  /** The merchant of a key id, revoked or not (a failed authentication's security event names it). */
  async merchantOf(keyId: string): Promise<string | null> {
    return (await this.dataSource.getRepository(ApiKey).findOneBy({ keyId }))?.merchant ?? null;
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
