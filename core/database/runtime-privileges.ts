import type { DataSource, EntityManager } from 'typeorm';

/** A table privilege the runtime role may hold. TRUNCATE, REFERENCES and TRIGGER are never granted. */
export type RuntimePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * What the API, the worker and the CLIs (the runtime role, DATABASE_URL) may do to each table: only
 * what the code does. The audit tables are append-only: INSERT and SELECT, so the runtime role can
 * neither rewrite nor remove a row, and since it owns nothing it cannot disable their triggers
 * either. Every table of the schema must be listed (an integration test compares this list with the
 * migrated database), so a new table is a decision here, not a default.
 */
export const RUNTIME_PRIVILEGES: Readonly<Record<string, readonly RuntimePrivilege[]>> = {
  audit_events: ['SELECT', 'INSERT'],
  audit_seals: ['SELECT', 'INSERT'],
  // Key changes, failed authentications and audit reads: append-only like the trail.
  security_events: ['SELECT', 'INSERT'],
  // The projection: upserted on every transition.
  checkouts: ['SELECT', 'INSERT', 'UPDATE'],
  // Removed when the step is undone / when the checkout ends (read first: a plain-text intent of before keyed references).
  effect_intents: ['SELECT', 'INSERT', 'DELETE'],
  saga_step_results: ['SELECT', 'INSERT', 'DELETE'],
  checkout_batches: ['SELECT', 'INSERT'],
  // Each sale's drive outcome is written back, and its sealed input purged once driven.
  checkout_batch_sales: ['SELECT', 'INSERT', 'UPDATE'],
  // A sync's status and counts, and each product's outcome, are written back.
  product_syncs: ['SELECT', 'INSERT', 'UPDATE'],
  product_sync_items: ['SELECT', 'INSERT', 'UPDATE'],
  // Revocation is an update; a key is never deleted.
  api_keys: ['SELECT', 'INSERT', 'UPDATE'],
  // The admin API upserts and deletes stores.
  stores: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // Each worker upserts its breakers' states, and forgets reports of workers gone for a day.
  vendor_circuits: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // Ops force a vendor's breakers through the API (an upsert); the workers read it.
  vendor_circuit_overrides: ['SELECT', 'INSERT', 'UPDATE'],
  // Callbacks (core/callbacks): the admin API sets the merchant's URL, flag and secret and stores' URLs.
  merchant_callbacks: ['SELECT', 'INSERT', 'UPDATE'],
  store_callbacks: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // The API marks a checkout it answered 202; the final transition reads the mark.
  checkout_pending_answers: ['SELECT', 'INSERT'],
  // A work queue, not a trail: the dispatcher updates each event's status and attempts (each attempt is audited).
  callback_outbox: ['SELECT', 'INSERT', 'UPDATE'],
  // TypeORM's migration log: the owner's alone.
  migrations: [],
};

/** A role name as CREATE ROLE and GRANT take it (config validates names; this is the last guard). */
export function quoteRole(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`refusing role name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** The tables of the public schema, as the database has them. */
export async function schemaTables(db: DataSource | EntityManager): Promise<string[]> {
  const rows = (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)) as { tablename: string }[];
  return rows.map((r) => r.tablename);
}

export interface RuntimeRoles {
  /** The NOLOGIN group role the privileges are granted to (DATABASE_RUNTIME_ROLE). */
  group: string;
  /**
   * The login role the API and worker connect as (DATABASE_URL's user), made a member of the group;
   * with `createLogin` created first when missing (development and tests: trust auth, no password).
   * The owner itself as the login is refused, or with `createLogin` (outside production) skipped.
   */
  login?: string;
  createLogin?: boolean;
}

/**
 * Run by the migrate step, as the owner, after the migrations, on every run: creates the group role
 * if missing, grants it exactly RUNTIME_PRIVILEGES (everything else on those tables revoked), USAGE
 * on the schema and the sequences, and makes the runtime login a member. Idempotent. Refuses a
 * table the list does not name, and in production a runtime login that is the owner itself.
 */
export async function applyRuntimePrivileges(dataSource: DataSource, roles: RuntimeRoles): Promise<void> {
  await dataSource.transaction(async (tx) => {
    const unlisted = (await schemaTables(tx)).filter((t) => !(t in RUNTIME_PRIVILEGES));
    if (unlisted.length) {
      throw new Error(`tables without runtime privileges in core/database/runtime-privileges.ts: ${unlisted.join(', ')} (add each with what the API and worker need)`);
    }
    const group = quoteRole(roles.group);
    await ensureRole(tx, roles.group, 'NOLOGIN');
    for (const [table, privileges] of Object.entries(RUNTIME_PRIVILEGES)) {
      const exists = (await tx.query(`SELECT to_regclass($1) AS t`, [`public.${table}`])) as { t: string | null }[];
      if (!exists[0].t) continue;
      await tx.query(`REVOKE ALL ON TABLE public."${table}" FROM ${group}`);
      if (privileges.length) await tx.query(`GRANT ${privileges.join(', ')} ON TABLE public."${table}" TO ${group}`);
    }
    await tx.query(`GRANT USAGE ON SCHEMA public TO ${group}`);
    // nextval for identity and serial columns; not UPDATE (setval).
    await tx.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${group}`);
    await tx.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${group}`);
    if (roles.login) {
      const [{ current_user: owner }] = (await tx.query(`SELECT current_user`)) as { current_user: string }[];
      if (roles.login === owner) {
        // Outside production an old DATABASE_URL (the superuser) still migrates; the API and worker warn at start.
        if (roles.createLogin) return;
        throw new Error(`DATABASE_URL connects as ${owner}, the tables' owner: give the API and worker a runtime role of their own (README, Access)`);
      }
      if (roles.createLogin) await ensureRole(tx, roles.login, 'LOGIN');
      const [login] = (await tx.query(`SELECT pg_has_role($1, $2, 'MEMBER') AS member FROM pg_roles WHERE rolname = $1`, [roles.login, roles.group])) as { member: boolean }[];
      if (!login) throw new Error(`the runtime login ${roles.login} (DATABASE_URL's user) does not exist: create it (CREATE ROLE ${roles.login} LOGIN PASSWORD '…') and run the migrations again`);
      // Already a member (the DBA granted it): nothing to grant, and the owner may not have the admin option.
      if (!login.member) await tx.query(`GRANT ${group} TO ${quoteRole(roles.login)}`);
    }
  });
}

async function ensureRole(tx: EntityManager, name: string, attributes: 'LOGIN' | 'NOLOGIN'): Promise<void> {
  const found = (await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [name])) as unknown[];
  if (found.length) return;
  // Roles belong to the whole server: a migrate of another database may create it at the same moment.
  await tx.query(`SAVEPOINT create_role`);
  try {
    await tx.query(`CREATE ROLE ${quoteRole(name)} ${attributes}`);
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT create_role`);
    // 42710 duplicate_object; 23505 when the other CREATE ROLE commits while this one is inserting.
    if (!['42710', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
  }
}

/** What the runtime check found about DATABASE_URL's role. */
export interface RuntimeRoleProblem {
  role: string;
  problem: string;
}

/**
 * Whether the connected role is fit to be the runtime role: not a superuser, and neither the owner
 * of audit_events nor a member of that owner (who could disable the append-only triggers).
 */
export async function runtimeRoleProblem(dataSource: DataSource): Promise<RuntimeRoleProblem | undefined> {
  const [row] = (await dataSource.query(
    `SELECT current_user AS role, r.rolsuper AS superuser, t.tableowner AS owner,
            (t.tableowner IS NOT NULL AND pg_has_role(current_user, t.tableowner, 'MEMBER')) AS owns
       FROM pg_roles r LEFT JOIN pg_tables t ON t.schemaname = 'public' AND t.tablename = 'audit_events'
      WHERE r.rolname = current_user`,
  )) as { role: string; superuser: boolean; owner: string | null; owns: boolean }[];
  if (row.superuser) return { role: row.role, problem: 'is a superuser' };
  if (row.owns) return { role: row.role, problem: `owns the tables (or is a member of their owner ${row.owner})` };
  return undefined;
}
