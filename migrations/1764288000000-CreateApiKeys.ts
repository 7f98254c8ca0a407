import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys (design §6). Only a SHA-256 of the whole key is stored: the secret is 256 random bits, so
 * a fast hash is enough (no dictionary to guess from) and a stolen table yields no usable key. The
 * public key id in the key's text finds the row; revoking sets revoked_at and keeps the row, so the
 * list shows who had access when.
 */
export class CreateApiKeys1764288000000 implements MigrationInterface {
  name = 'CreateApiKeys1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        key_id text NOT NULL UNIQUE,
        key_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('pos', 'finance', 'ops', 'admin')),
        merchant text NOT NULL,
        store text NULL,
        till text NULL,
        rate_limit_per_minute int NOT NULL CHECK (rate_limit_per_minute > 0),
        label text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz NULL,
        -- A till only means something inside a store.
        CHECK (till IS NULL OR store IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX api_keys_merchant_created ON api_keys (merchant, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
