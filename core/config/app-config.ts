import { z } from 'zod';
import { AuditChainKeys, parseOldAuditKeys } from '../audit/audit-keys';
import { isCurrencyCode } from '../money/money';
import { merchantBudgetsSchema, MIN_TILL_BUDGET_MS } from '../checkouts/till-budget';
import { resolveTemporalTls, TEMPORAL_TLS_SETTINGS, type TemporalTls } from './temporal-tls';

/**
 * The one place that reads the environment. Every process (API, worker, sandbox, scripts) calls
 * loadConfig() once at start, so a bad variable fails fast with its name instead of deep in a request.
 * Vendor base URLs default to the embedded sandbox: unset means "sandbox", set means "the real vendor".
 */
const port = z.coerce.number().int().min(0).max(65535);
const milliseconds = z.coerce.number().int().positive();
/** A vendor body field, top-level or one object down: `otp`, `spend_request.otp`. */
const bodyFieldPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'must be a field name, or two joined by a dot');
/** The currency a vendor account keeps its amounts in: the adapters send a checkout's amounts as they are. */
const accountCurrency = z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code, such as EUR').default('EUR');
/** A Postgres database name the dev stack may quote into CREATE DATABASE. */
const databaseName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and underscores');
/** The id stored with each audit row and seal, naming the key it was hashed with. */
const auditKeyId = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1 to 40 letters, digits, _ . -');
/** `id:key,id:key`: each id as AUDIT_CHAIN_KEY_ID, each key at least 32 characters, no comma. */
const auditOldKeys = z
  .string()
  .refine((v) => v.split(',').map((e) => e.trim()).filter(Boolean).every((e) => /^[A-Za-z0-9_.-]{1,40}:[^,]{32,}$/.test(e)), 'must be id:key pairs separated by commas, each key at least 32 characters');
const regularExpression = z.string().min(1).refine(isRegularExpression, 'must be a regular expression');

/** Whether `source` compiles as a JavaScript regular expression. */
export function isRegularExpression(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * What production refuses to start without: outside production these fall back to development keys,
 * which are public. docker-compose.yml must set each (a test holds it to this list).
 */
export const PRODUCTION_REQUIRED_KEYS = ['AUDIT_HMAC_KEY', 'AUDIT_CHAIN_KEY', 'TEMPORAL_CODEC_KEY'] as const;

/** Each vendor's URL: unset means the sandbox, which production refuses. */
export const VENDOR_URL_KEYS = ['CRMCOM_BASE_URL', 'CAPILLARY_BASE_URL', 'COUPONTOOLS_BASE_URL', 'CMC_BASE_URL', 'CMC_TOKEN_URL'] as const;

/**
 * Each vendor's credentials and the sandbox's own, their value when unset outside production. Production
 * refuses to start without them (the sandbox's are public): CRM.COM's for the API generation CRMCOM_API names.
 */
export const SANDBOX_CREDENTIALS = {
  CRMCOM_WEB_API_KEY: 'sandbox-web-api-key',
  CRMCOM_API_KEY: 'sandbox-crmcom-api-key',
  CAPILLARY_OAUTH_KEY: 'sandbox-capillary-key',
  CAPILLARY_OAUTH_SECRET: 'sandbox-capillary-secret',
  COUPONTOOLS_CLIENT_ID: 'sandbox-coupontools-id',
  COUPONTOOLS_CLIENT_SECRET: 'sandbox-coupontools-secret',
  CMC_CLIENT_ID: 'sandbox-cmc-client',
  CMC_CLIENT_SECRET: 'sandbox-cmc-secret',
} as const;
export type VendorCredentialKey = keyof typeof SANDBOX_CREDENTIALS;

/** The credentials a deployment talking to CRM.COM's `crmcomApi` generation uses (the other CRM.COM key is not sent). */
export function vendorCredentialKeys(crmcomApi: 'legacy' | 'backoffice'): VendorCredentialKey[] {
  const crmcom = crmcomApi === 'legacy' ? 'CRMCOM_WEB_API_KEY' : 'CRMCOM_API_KEY';
  return [crmcom, 'CAPILLARY_OAUTH_KEY', 'CAPILLARY_OAUTH_SECRET', 'COUPONTOOLS_CLIENT_ID', 'COUPONTOOLS_CLIENT_SECRET', 'CMC_CLIENT_ID', 'CMC_CLIENT_SECRET'];
}

/** The environments APP_ENV names; unset is production (fail closed). */
export const APP_ENVS = ['development', 'test', 'production'] as const;
export type AppEnv = (typeof APP_ENVS)[number];

/** A Postgres role name the migrate step may quote into CREATE ROLE and GRANT. */
const roleName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and underscores');

const schema = z.object({
  /**
   * `development` (set by `npm start`) or `test` (set by the tests) allow the public development keys
   * and the vendor sandbox. Unset or `production`: the process refuses to start unless
   * PRODUCTION_REQUIRED_KEYS and every vendor URL (VENDOR_URL_KEYS) are set, so a forgotten
   * variable fails closed instead of running on public keys against the sandbox. NODE_ENV is not read.
   */
  APP_ENV: z.enum(APP_ENVS).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * How `npm start` shows its processes' logs on the console: `pretty` (one readable line per event)
   * or `json` (the lines as the processes write them). The processes themselves always write JSON.
   */
  LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  API_PORT: port.default(3000),
  /** Where POS integrators reach the API, as the OpenAPI document's `servers` says; http://localhost:API_PORT when unset. */
  API_PUBLIC_URL: z.string().url().optional(),
  /** /docs and /docs-json: served outside production; in production only with API_DOCS=true (they map every route for anyone). */
  API_DOCS: z.enum(['true', 'false']).optional(),
  /** The worker's /metrics (ours: vendor calls, compensations, transitions); 0 turns it off. */
  WORKER_METRICS_PORT: port.default(9464),
  /** The Temporal SDK's Prometheus endpoint in the worker (task slots, latencies, polls); 0 turns it off. */
  WORKER_SDK_METRICS_PORT: port.default(9465),
  SANDBOX_PORT: port.default(4010),
  /** Loopback unless a container must expose it. */
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The API's, the worker's and the CLIs' connection: the runtime role, which must not own the tables
   * (it gets only what core/database/runtime-privileges.ts grants; see README, Access). `npm start`
   * creates `checkout_saga_app` locally (LOGIN, no password: trust auth).
   */
  DATABASE_URL: z.string().url().default('postgres://checkout_saga_app@127.0.0.1:5432/checkout_saga'),
  /**
   * The migrations' connection: the role that owns the tables (creates and alters them, creates the
   * runtime group role and grants it its privileges). Only the migrate step and `npm start` read it;
   * do not give it to the API or the worker. Unset outside production: DATABASE_URL's server and
   * database as the local superuser `postgres`; unset in production: migrating refuses.
   */
  DATABASE_OWNER_URL: z.string().url().optional(),
  /**
   * The NOLOGIN group role every runtime login is a member of; the migrate step creates it and grants
   * it the runtime privileges on every run.
   */
  DATABASE_RUNTIME_ROLE: roleName.default('checkout_saga_runtime'),
  /** statement_timeout of every runtime connection (API, worker, CLIs): a runaway query is cancelled. Migrations have none. */
  DATABASE_STATEMENT_TIMEOUT_MS: milliseconds.default(15_000),
  /** idle_in_transaction_session_timeout of every runtime connection: a transaction left open loses its session (and locks). */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds.default(60_000),
  // host:port: the SDK needs the port, and npm start decides from it whether the server is its own.
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('checkout-saga'),
  /**
   * `false`: `npm start` runs no Temporal server and uses TEMPORAL_ADDRESS as it is, on localhost too
   * (the same as `--temporal=external`). Unset: `--temporal` decides (src/dev-stack/temporal-mode.ts).
   */
  TEMPORAL_MANAGED: z.enum(['true', 'false']).optional(),
  /** History shards of the server `npm start -- --temporal=postgres` runs; fixed when its databases are first created. */
  TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16384).default(4),
  /** The databases that server keeps its data in, on the Postgres of DATABASE_OWNER_URL (created as that role). */
  TEMPORAL_POSTGRES_DATABASE: databaseName.default('temporal'),
  TEMPORAL_POSTGRES_VISIBILITY_DATABASE: databaseName.default('temporal_visibility'),
  /**
   * Requests act for their API key's merchant; this one names the deployment's own merchant: of the
   * development keys `npm start` creates, of the nightly product sync schedule, and the only one whose
   * keys may use the codec (it reads every merchant's payloads).
   */
  MERCHANT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default('demo'),
  /** Requests a minute for a new API key when its creator names no limit. */
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /**
   * Expensive requests a minute per API key (reports, audit verify, batch upload, product sync), a
   * budget of its own on top of the key's limit (never more than that limit): each reads or starts far
   * more than a checkout call, so a key cannot spend its whole limit on them.
   */
  API_KEY_EXPENSIVE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /**
   * Failed authentications are security events written at most twice per key id and source address
   * in this window: the first at once, the window's others as one row with their count when it ends.
   */
  FAILED_AUTH_EVENT_WINDOW_MS: milliseconds.default(60_000),
  /**
   * How long an API process trusts a key it has seen valid while Postgres is unreachable (tills keep
   * selling through an outage, and a key revoked meanwhile counts only from its end). 0: fail closed,
   * every request answers 503 until Postgres is back.
   */
  API_KEY_STALE_IF_UNAVAILABLE_MS: z.coerce.number().int().min(0).default(300_000),
  /**
   * Codec calls (`/v1/codec/*`) a minute per caller: an API key, an OIDC user or the development UI's
   * token. The UI decodes a workflow page in a few calls; a caller decoding far more is scraping payloads.
   */
  CODEC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  VENDOR_TIMEOUT_MS: milliseconds.default(5000),
  /**
   * Per-vendor circuit breakers in each worker (activities/vendors/vendor-circuit.ts, opossum): a
   * vendor whose failures (network, timeout, 429, 5xx; never a business refusal) exceed
   * VENDOR_BREAKER_FAILURE_PERCENT of its calls in the last VENDOR_BREAKER_WINDOW_MS, once at least
   * VENDOR_BREAKER_VOLUME_THRESHOLD calls were made in that window, is skipped for
   * VENDOR_BREAKER_COOLDOWN_MS; then one probe call decides (success closes, failure re-opens).
   * A percentage over a rolling window is opossum's own model; the volume threshold keeps one
   * failure out of one call from opening it.
   */
  VENDOR_BREAKER_FAILURE_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  VENDOR_BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(10),
  VENDOR_BREAKER_WINDOW_MS: milliseconds.min(100).default(10_000),
  VENDOR_BREAKER_COOLDOWN_MS: milliseconds.default(10_000),
  /** How often each worker reads the ops overrides (vendor_circuit_overrides) and reports its breakers (vendor_circuits). */
  VENDOR_BREAKER_SYNC_MS: milliseconds.min(50).default(1000),
  /** How long a reserved or committed checkout waits for the POS's next call before it expires. */
  CHECKOUT_HOLD_TIMEOUT_MS: milliseconds.default(15 * 60 * 1000),
  /** How long the API waits for a phase's answer before it says 202 and lets the saga finish. */
  CHECKOUT_ANSWER_TIMEOUT_MS: milliseconds.default(25_000),
  /**
   * A till's time budget per phase (core/checkouts/till-budget.ts): the phase answers within it, a
   * vendor that has not answered by then left out and named unavailable. A till may ask for another
   * per request (header Till-Budget-Ms, up to CHECKOUT_ANSWER_TIMEOUT_MS); a merchant may have its own
   * (TILL_BUDGET_MERCHANTS).
   */
  /**
   * Callbacks when a checkout ends (core/callbacks, README "Callbacks"): every API process polls the
   * outbox every CALLBACK_POLL_MS (`off`: this process does not dispatch), gives each POST
   * CALLBACK_TIMEOUT_MS, and retries a refused one after CALLBACK_RETRY_BASE_MS doubling up to
   * CALLBACK_RETRY_MAX_MS (half of it random), CALLBACK_MAX_ATTEMPTS times in all (30: about a day) before `failed`.
   */
  CALLBACK_DISPATCH: z.enum(['on', 'off']).default('on'),
  CALLBACK_POLL_MS: milliseconds.default(1000),
  CALLBACK_TIMEOUT_MS: milliseconds.default(5000),
  CALLBACK_RETRY_BASE_MS: milliseconds.default(10_000),
  CALLBACK_RETRY_MAX_MS: milliseconds.default(3_600_000),
  CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(30),
  TILL_BUDGET_RESERVE_MS: milliseconds.min(MIN_TILL_BUDGET_MS).default(2000),
  TILL_BUDGET_COMMIT_MS: milliseconds.min(MIN_TILL_BUDGET_MS).default(2000),
  TILL_BUDGET_COMPLETE_MS: milliseconds.min(MIN_TILL_BUDGET_MS).default(2000),
  TILL_BUDGET_ONE_SHOT_MS: milliseconds.min(MIN_TILL_BUDGET_MS).default(5000),
  /** Of each budget, what the answer needs to travel back from the vendors' steps to the till: the steps get the rest. */
  TILL_BUDGET_MARGIN_MS: milliseconds.default(500),
  /** JSON: `{"<merchant>": {"reserve": 1500, "commit": 2000, "complete": 2000, "oneShot": 4000}}`, each phase optional. */
  TILL_BUDGET_MERCHANTS: z
    .string()
    .default('{}')
    .transform((raw, ctx) => {
      try {
        const parsed = merchantBudgetsSchema.safeParse(JSON.parse(raw));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
      }
      return z.NEVER;
    }),
  /**
   * Load shedding of new checkouts (src/admission/): `on` refuses a checkout with 503 before anything
   * starts when the engine could not answer it within the till's budget. `off` admits everything.
   */
  LOAD_SHEDDING: z.enum(['on', 'off']).default('on'),
  /** The in-flight new checkouts this API process always admits, whatever the throughput measured (a floor for idle and bursty stores). */
  LOAD_SHEDDING_MIN_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(10),
  /** The in-flight new checkouts this API process never exceeds, however fast the engine answers. */
  LOAD_SHEDDING_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(500),
  /**
   * The share of a till's budget a new checkout may expect to spend in the engine (Little's law: in flight / throughput), or wait in the task
   * queue's backlog: the rest is headroom for the spread around that mean (0.4: a mean of 2 s of a 5 s budget; the bench's p99 stays inside).
   */
  LOAD_SHEDDING_BUDGET_SHARE: z.coerce.number().gt(0).max(1).default(0.4),
  /** How often the API reads the task queue's backlog and pollers from Temporal (DescribeTaskQueue), in the background. */
  LOAD_SHEDDING_POLL_MS: milliseconds.min(50).default(500),
  // CRM.COM: one base URL, for the generation CRMCOM_API names.
  CRMCOM_API: z.enum(['legacy', 'backoffice']).default('legacy'),
  CRMCOM_BASE_URL: z.string().url().optional(),
  CRMCOM_WEB_API_KEY: z.string().min(1).optional(),
  CRMCOM_API_KEY: z.string().min(1).optional(),
  CRMCOM_UNIT_NAME: z.string().min(1).default('Unit'),
  CRMCOM_SYNC_DEFINITION: z.string().min(1).default('Product_Sync'),
  /** Printed in the reclaim QR/barcode of sales without a CRM.COM customer; the store id is the venue number. */
  CRMCOM_MERCHANT_NUMBER: z.string().regex(/^[^;]{1,40}$/).default('M0001'),
  /** The currency of the CRM.COM account's wallets and awards (the sandbox's: EUR). */
  CRMCOM_CURRENCY: accountCurrency,
  /**
   * Back-office API: the reduction method every purchase is submitted for. `front_end`: the till
   * deducts the approved spend; `back_end`: the customer pays in full and CRM.COM pays the spend out
   * (the guide: "the purchase is paid fully and awarded whilst the spend is paid out"), which needs
   * the CRM.COM account's back-end reduction (payout) settings. The legacy API's preview decides it.
   */
  CRMCOM_REDUCTION: z.enum(['front_end', 'back_end']).default('front_end'),
  /**
   * Back-office API: where POST /purchases carries the OTP spend token and the pass code. The guide
   * names neither field (vendors.md §1.2: "Exact field names: **[unknown]**. A reasonable simulator
   * choice is `spend_request.otp` / `spend_request.pass_code`. Mark it configurable."): a top-level
   * field or one level under an object, dotted.
   */
  CRMCOM_OTP_FIELD: bodyFieldPath.default('spend_request.otp'),
  CRMCOM_PASS_CODE_FIELD: bodyFieldPath.default('spend_request.pass_code'),
  /**
   * Back-office API: whether a product sync follows each batch's process with `GET
   * /synchronise_products/{id}`, our reading (the guide names no monitoring call). Off: an accepted
   * batch is counted `unverified` at once. Default: on with the sandbox (no CRMCOM_BASE_URL), off
   * against a real CRM.COM until the call is confirmed there.
   */
  CRMCOM_SYNC_MONITORING: z.enum(['on', 'off']).optional(),
  // Capillary InTouch: OAuth key/secret (server-to-server), requests attributed to the till.
  CAPILLARY_BASE_URL: z.string().url().optional(),
  CAPILLARY_OAUTH_KEY: z.string().min(1).optional(),
  CAPILLARY_OAUTH_SECRET: z.string().min(1).optional(),
  /**
   * Whether the Capillary org has `Allow_points_redemption_reversal` (raised via a Capillary ticket,
   * vendors.md §2): without it `v2/points/reverse` is refused, so a redemption cannot be undone.
   */
  CAPILLARY_POINTS_REVERSAL_ALLOWED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * When points are redeemed: `after_bill` (the POS guide's order: isredeemable, the till applies the
   * value, then after payment transaction/add and only on its success points/redeem), or
   * `before_payment` (at commit, undone by a reversal if the sale does not go through: needs
   * CAPILLARY_POINTS_REVERSAL_ALLOWED=true).
   */
  CAPILLARY_POINTS_REDEMPTION: z.enum(['after_bill', 'before_payment']).default('after_bill'),
  /**
   * The Capillary org requires mobile validation of redemptions (vendors.md §2: "824 mobile validation
   * mandatory"): a checkout redeeming points or a Capillary coupon must carry the customer's validation
   * code (POST /v1/capillary/validation-codes sends it), and nothing is sent with `skip_validation=true`.
   * `false` (the sandbox org's default): redemptions send `skip_validation=true` unless the till sent a code.
   */
  CAPILLARY_VALIDATION_REQUIRED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** The Capillary org's base currency, the one it keeps every amount in (the sandbox org's: EUR). */
  CAPILLARY_CURRENCY: accountCurrency,
  /**
   * The org's CONF_CLIENT_BILL_NO_REGEX (vendor-docs/capillary-pos-integration.md: "Regular expression
   * of the transaction number"), which every bill number must match; the sandbox org's by default.
   */
  CAPILLARY_BILL_NUMBER_REGEX: regularExpression.default('^[A-Za-z0-9_.:-]+$'),
  // Coupontools: X-Client-Id / X-Client-Secret headers.
  COUPONTOOLS_BASE_URL: z.string().url().optional(),
  COUPONTOOLS_CLIENT_ID: z.string().min(1).optional(),
  COUPONTOOLS_CLIENT_SECRET: z.string().min(1).optional(),
  /** The currency the account's coupon values are kept in. */
  COUPONTOOLS_CURRENCY: accountCurrency,
  /**
   * Where the account keeps a coupon's discount value when the session's `value` field is empty: one
   * of the custom fields of `data.user` (the document: "This can be saved in either value field or in
   * the custom fields"). Unset: only `value`.
   */
  COUPONTOOLS_VALUE_CUSTOM_FIELD: z.enum(['custom1', 'custom2', 'custom3', 'custom4', 'custom5', 'custom6', 'custom7']).optional(),
  // CMC (ClearLine): OAuth client credentials at a separate token URL.
  CMC_BASE_URL: z.string().url().optional(),
  CMC_TOKEN_URL: z.string().url().optional(),
  CMC_CLIENT_ID: z.string().min(1).optional(),
  CMC_CLIENT_SECRET: z.string().min(1).optional(),
  CMC_POS_SYSTEM_ID: z.string().min(1).default('checkout-saga'),
  /** The currency the ClearLine account counts transaction amounts in (they carry none). */
  CMC_CURRENCY: accountCurrency,
  /** HMAC-SHA256 key for customer references in audit rows (at least 32 characters). Required in production. */
  AUDIT_HMAC_KEY: z.string().min(32).optional(),
  /**
   * HMAC-SHA256 key of the audit hash chain and the daily seals (at least 32 characters): the database
   * does not hold it, so an owner or superuser who rewrites audit rows cannot recompute hashes that
   * verify. Required in production. Keep it apart from AUDIT_HMAC_KEY (customer references).
   */
  AUDIT_CHAIN_KEY: z.string().min(32).optional(),
  /**
   * The id stored on each row and seal hashed with AUDIT_CHAIN_KEY (`key_id`). Rotating: give the new
   * key a new id and move the old one to AUDIT_CHAIN_OLD_KEYS. Default: `1`, or `dev` for the development key.
   */
  AUDIT_CHAIN_KEY_ID: auditKeyId.optional(),
  /** Older chain keys that still verify, `id:key,id:key` (rows and seals keep the id they were written with). */
  AUDIT_CHAIN_OLD_KEYS: auditOldKeys.optional(),
  /**
   * Where the daily seals are also written, outside Postgres: one append-only JSONL file per merchant
   * (core/audit/external-seal-store.ts). The worker appends, the API reads (GET /v1/audit/verify), so
   * both must see the same directory; keep it where the database's owner cannot write. Required in
   * production; elsewhere `.data/audit-seals`.
   */
  AUDIT_SEAL_DIR: z.string().min(1).optional(),
  /**
   * How often the `audit-checkpoint` Schedule writes the newest row of every changed checkout to
   * AUDIT_SEAL_DIR (core/audit/audit-checkpointer.ts): the longest a database superuser's deletion of
   * a checkout's newest rows can stay unseen by verify between the nightly seals.
   */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(60).max(3600).default(300),
  /** AES-256-GCM key (base64 of 32 bytes) of the Temporal payload codec. Required in production. */
  TEMPORAL_CODEC_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of 32 bytes').optional(),
  /** Names the codec key in each payload's metadata, so keys can rotate. */
  TEMPORAL_CODEC_KEY_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/).default('default'),
  /**
   * Retired codec keys that still decrypt (never encrypt): `id:base64,id:base64`. After a rotation
   * (a new TEMPORAL_CODEC_KEY and _ID), the old pair goes here so histories, step results and batch
   * inputs written under it stay readable. An id equal to TEMPORAL_CODEC_KEY_ID is refused.
   */
  TEMPORAL_CODEC_OLD_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const problem of oldCodecKeyProblems(v)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** The Temporal UI allowed to call the codec endpoint (CORS). */
  TEMPORAL_UI_ORIGIN: z.string().url().default('http://localhost:8233'),
  /**
   * The token in the codec endpoint `npm start` gives the Temporal UI it runs
   * (`/v1/codec/ui/<token>/decode`, decode only; src/temporal/codec-access.ts): a new random one each
   * start. Never in production, where the UI signs ops in and passes its OIDC access token instead.
   */
  TEMPORAL_UI_CODEC_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be 32 to 128 letters, digits, - or _').optional(),
  /**
   * The codec accepts the Temporal UI's OIDC access token (the UI server's `codec.passAccessToken`)
   * when these name the UI's identity provider: the token's issuer (`iss`), audience (`aud`) and the
   * provider's JSON Web Key Set URL (its discovery document's `jwks_uri`). All three, or none.
   */
  CODEC_OIDC_ISSUER: z.string().url().optional(),
  CODEC_OIDC_AUDIENCE: z.string().min(1).optional(),
  CODEC_OIDC_JWKS_URL: z.string().url().optional(),
  /** The group an OIDC user must be in to decode (signed in to the UI is not enough), and the claim listing the user's groups. */
  CODEC_OIDC_REQUIRED_GROUP: z.string().min(1).optional(),
  CODEC_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /**
   * Reaching a Temporal server we do not run (a cluster, Temporal Cloud): TLS, mTLS, API key. The files
   * are PEM, read once at start (see temporalTls). TLS is on as soon as any of these is set, since a CA,
   * a client certificate or an API key only make sense over TLS (Temporal Cloud refuses plaintext);
   * TEMPORAL_TLS=true alone means TLS with the system's roots. TEMPORAL_API_KEY is a secret: never logged.
   */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  // TLS settings, checked before any file is read.
  if ((c.TEMPORAL_TLS_CERT_FILE === undefined) !== (c.TEMPORAL_TLS_KEY_FILE === undefined)) {
    const missing = c.TEMPORAL_TLS_CERT_FILE === undefined ? 'TEMPORAL_TLS_CERT_FILE' : 'TEMPORAL_TLS_KEY_FILE';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'is required too: the client certificate and its key come as a pair (mTLS)' });
  }
  if (c.TEMPORAL_TLS === 'false') {
    const needsTls = TEMPORAL_TLS_SETTINGS.filter((key) => c[key] !== undefined);
    if (needsTls.length) ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: `is false, but ${needsTls.join(', ')} need TLS (an API key would travel unencrypted)` });
  }
  if (c.AUDIT_CHAIN_OLD_KEYS !== undefined) {
    const current = c.AUDIT_CHAIN_KEY_ID ?? (c.AUDIT_CHAIN_KEY ? '1' : 'dev');
    if (parseOldAuditKeys(c.AUDIT_CHAIN_OLD_KEYS).has(current)) ctx.addIssue({ code: 'custom', path: ['AUDIT_CHAIN_OLD_KEYS'], message: `lists the current key id ${current}: give a new key a new id` });
  }
  if (c.LOAD_SHEDDING_MIN_IN_FLIGHT > c.LOAD_SHEDDING_MAX_IN_FLIGHT) {
    ctx.addIssue({ code: 'custom', path: ['LOAD_SHEDDING_MIN_IN_FLIGHT'], message: `is above LOAD_SHEDDING_MAX_IN_FLIGHT (${c.LOAD_SHEDDING_MAX_IN_FLIGHT})` });
  }
  const oidc = ['CODEC_OIDC_ISSUER', 'CODEC_OIDC_AUDIENCE', 'CODEC_OIDC_JWKS_URL', 'CODEC_OIDC_REQUIRED_GROUP'] as const;
  const oidcMissing = oidc.filter((key) => c[key] === undefined);
  if (oidcMissing.length && oidcMissing.length < oidc.length) {
    ctx.addIssue({ code: 'custom', path: [oidcMissing[0]], message: `is required too: ${oidc.join(', ')} come together (the codec's OIDC access tokens)` });
  }
  if ((c.APP_ENV === undefined || c.APP_ENV === 'production') && c.TEMPORAL_UI_CODEC_TOKEN !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_UI_CODEC_TOKEN'], message: "is for the development stack's own UI: in production the UI passes its OIDC access token (CODEC_OIDC_*)" });
  }
  if (oldCodecKeyEntries(c.TEMPORAL_CODEC_OLD_KEYS).some((e) => e.id === c.TEMPORAL_CODEC_KEY_ID)) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_CODEC_OLD_KEYS'], message: `names the current TEMPORAL_CODEC_KEY_ID "${c.TEMPORAL_CODEC_KEY_ID}": a retired key needs its own id` });
  }
  // The runtime role must not be the owner: it could disable the audit tables' triggers.
  if (c.DATABASE_OWNER_URL && new URL(c.DATABASE_OWNER_URL).username === new URL(c.DATABASE_URL).username) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'connects as the same role as DATABASE_OWNER_URL: the API and the worker need a runtime role that does not own the tables' });
  }
  // Development keys are public and the sandbox is not a vendor: production (APP_ENV unset too) must bring its own.
  if (c.APP_ENV === undefined || c.APP_ENV === 'production') {
    const why = c.APP_ENV === undefined ? 'is required in production (APP_ENV is unset, which means production: APP_ENV=development for a local run)' : 'is required in production';
    // And where the seals' copies go: the default is a folder of the working directory, which a
    // container may not write to and another host does not share.
    for (const key of [...PRODUCTION_REQUIRED_KEYS, ...VENDOR_URL_KEYS, ...vendorCredentialKeys(c.CRMCOM_API), 'AUDIT_SEAL_DIR'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: why });
    }
  }
  // A redemption before payment is undone by a reversal: without the org setting every cancelled,
  // expired or failed checkout would end compensation_failed with the customer's points gone.
  for (const [key, other] of [['CRMCOM_OTP_FIELD', c.CRMCOM_PASS_CODE_FIELD], ['CRMCOM_PASS_CODE_FIELD', c.CRMCOM_OTP_FIELD]] as const) {
    const conflict = secretFieldConflict(c[key], other);
    if (conflict) ctx.addIssue({ code: 'custom', path: [key], message: conflict });
  }
  if (c.CAPILLARY_POINTS_REDEMPTION === 'before_payment' && !c.CAPILLARY_POINTS_REVERSAL_ALLOWED) {
    ctx.addIssue({
      code: 'custom',
      path: ['CAPILLARY_POINTS_REDEMPTION'],
      message: 'before_payment needs CAPILLARY_POINTS_REVERSAL_ALLOWED=true (the org setting Allow_points_redemption_reversal): its undo is a points reversal',
    });
  }
});

/**
 * The back-office POST /purchases body's own fields (activities/vendors/crmcom-backoffice-purchase.ts,
 * purchaseBody; a unit test keeps the two in step): a secret placed at one of them, or over the spend
 * request, would overwrite what the purchase says (its id, products, amount).
 */
export const CRMCOM_PURCHASE_BODY_FIELDS: readonly string[] = [
  'id', 'contact_id', 'reference_number', 'performed_on', 'organisation_id', 'currency_code', 'reduction_method', 'products',
  'spend_request', 'spend_request.amount',
];

/** Why a configured secret field path cannot be used, or undefined. */
function secretFieldConflict(path: string, other: string): string | undefined {
  const head = path.split('.')[0];
  if (CRMCOM_PURCHASE_BODY_FIELDS.includes(path) || (head !== 'spend_request' && CRMCOM_PURCHASE_BODY_FIELDS.includes(head))) {
    return `is a field the purchase itself sends (${CRMCOM_PURCHASE_BODY_FIELDS.join(', ')}): the secret would overwrite it`;
  }
  if (path === other || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) return 'would overwrite the other spend secret (CRMCOM_OTP_FIELD and CRMCOM_PASS_CODE_FIELD must be apart)';
  return undefined;
}

/**
 * The migrations' connection (DATABASE_OWNER_URL): outside production, when unset, DATABASE_URL's
 * server and database as the local superuser `postgres`; production must name it.
 */
export function ownerDatabaseUrl(config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_OWNER_URL' | 'appEnv'>): string {
  if (config.DATABASE_OWNER_URL) return config.DATABASE_OWNER_URL;
  if (config.appEnv === 'production') throw new ConfigError('Invalid configuration: DATABASE_OWNER_URL: is required to migrate in production (the role that owns the tables; DATABASE_URL is the runtime role)');
  const url = new URL(config.DATABASE_URL);
  url.username = 'postgres';
  url.password = '';
  return url.toString();
}

/** Used only outside production (loadConfig refuses to start production without real keys). */
const DEV_AUDIT_HMAC_KEY = 'dev-only-audit-hmac-key-not-a-secret-0000';
const DEV_AUDIT_CHAIN_KEY = 'dev-only-audit-chain-key-not-a-secret-000';
const DEV_TEMPORAL_CODEC_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * Where each vendor lives inside the sandbox. Each prefix stands in for the vendor's own base URL,
 * so the adapters append exactly the paths of the vendor documents.
 */
export const SANDBOX_PATHS = {
  crmcomLegacy: '/crmcom/crmapi/rest/v2',
  crmcomBackoffice: '/crmcom/backoffice/v1',
  capillary: '/capillary',
  coupontools: '/coupontools/v3',
  cmc: '/cmc',
} as const;

/** The vendor accounts whose currency is configured, by the provider names of checkout.contract.ts. */
export type VendorAccount = 'crmcom' | 'capillary' | 'coupontools' | 'cmc';

export type AppConfig = Omit<z.infer<typeof schema>, 'AUDIT_SEAL_DIR' | VendorCredentialKey> & Record<VendorCredentialKey, string> & {
  /** AUDIT_SEAL_DIR resolved: the configured directory, or `.data/audit-seals` outside production. */
  AUDIT_SEAL_DIR: string;
  /** APP_ENV resolved: unset is production. */
  appEnv: AppEnv;
  /** Resolved vendor endpoints: the configured URL, or the embedded sandbox. */
  crmcomBaseUrl: string;
  capillaryBaseUrl: string;
  coupontoolsBaseUrl: string;
  cmcBaseUrl: string;
  cmcTokenUrl: string;
  /** CRMCOM_SYNC_MONITORING resolved: its value, else on exactly when CRM.COM is the sandbox. */
  crmcomSyncMonitoring: boolean;
  /** The currency each vendor account keeps: a checkout in another is refused before it reaches that vendor. */
  vendorCurrencies: Record<VendorAccount, string>;
  /** CAPILLARY_BILL_NUMBER_REGEX, compiled. */
  capillaryBillNumberFormat: RegExp;
  /** True while any vendor is served by the embedded sandbox (then `npm start` runs it). */
  usesSandbox: boolean;
  /** The keys in force: the configured ones, or the development defaults outside production. */
  auditHmacKey: string;
  /** The audit chain's keys: AUDIT_CHAIN_KEY (or the development key, id `dev`) and AUDIT_CHAIN_OLD_KEYS. */
  auditChainKeys: AuditChainKeys;
  temporalCodecKey: Buffer;
  /** TEMPORAL_CODEC_OLD_KEYS parsed: key id to key, for decoding only. */
  temporalCodecOldKeys: Record<string, Buffer>;
  /** The TLS of every Temporal connection (the TEMPORAL_TLS* files read); undefined: plaintext. */
  temporalTls: TemporalTls | undefined;
};

export class ConfigError extends Error {}

const CODEC_KEY_ID = /^[A-Za-z0-9_.-]{1,40}$/;

/** TEMPORAL_CODEC_OLD_KEYS' entries, `id:base64` each (comma-separated); empty or unset: none. */
function oldCodecKeyEntries(value: string | undefined): Array<{ id: string; key: Buffer; text: string }> {
  return (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((text) => {
      const at = text.indexOf(':');
      return { id: at < 0 ? '' : text.slice(0, at), key: Buffer.from(at < 0 ? '' : text.slice(at + 1), 'base64'), text };
    });
}

function oldCodecKeyProblems(value: string | undefined): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  oldCodecKeyEntries(value).forEach((e, i) => {
    // Never echo the entry: it holds a key.
    if (!CODEC_KEY_ID.test(e.id)) problems.push(`entry ${i + 1} must be id:base64 with an id of letters, digits, _ . - (at most 40)`);
    else if (e.key.length !== 32) problems.push(`the key of id "${e.id}" must be base64 of 32 bytes`);
    else if (seen.has(e.id)) problems.push(`the id "${e.id}" is listed twice`);
    seen.add(e.id);
  });
  return problems;
}

function parseOldCodecKeys(value: string | undefined): Record<string, Buffer> {
  return Object.fromEntries(oldCodecKeyEntries(value).map((e) => [e.id, e.key]));
}

/** The configured vendor credentials, the sandbox's where unset (production has refused to start by then). */
function credentialsOrSandbox(c: Partial<Record<VendorCredentialKey, string>>): Record<VendorCredentialKey, string> {
  return Object.fromEntries(Object.entries(SANDBOX_CREDENTIALS).map(([key, sandbox]) => [key, c[key as VendorCredentialKey] ?? sandbox])) as Record<VendorCredentialKey, string>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const temporal = resolveTemporalTls(c);
  if (temporal.problems.length) throw new ConfigError(`Invalid configuration: ${temporal.problems.join('; ')}`);
  const sandboxBase = (path: string) => `http://127.0.0.1:${c.SANDBOX_PORT}${path}`;
  return {
    ...c,
    appEnv: c.APP_ENV ?? 'production',
    crmcomBaseUrl:
      c.CRMCOM_BASE_URL ?? sandboxBase(c.CRMCOM_API === 'legacy' ? SANDBOX_PATHS.crmcomLegacy : SANDBOX_PATHS.crmcomBackoffice),
    crmcomSyncMonitoring: (c.CRMCOM_SYNC_MONITORING ?? (c.CRMCOM_BASE_URL === undefined ? 'on' : 'off')) === 'on',
    capillaryBaseUrl: c.CAPILLARY_BASE_URL ?? sandboxBase(SANDBOX_PATHS.capillary),
    coupontoolsBaseUrl: c.COUPONTOOLS_BASE_URL ?? sandboxBase(SANDBOX_PATHS.coupontools),
    cmcBaseUrl: c.CMC_BASE_URL ?? sandboxBase(SANDBOX_PATHS.cmc),
    cmcTokenUrl: c.CMC_TOKEN_URL ?? sandboxBase(`${SANDBOX_PATHS.cmc}/connect/token`),
    vendorCurrencies: { crmcom: c.CRMCOM_CURRENCY, capillary: c.CAPILLARY_CURRENCY, coupontools: c.COUPONTOOLS_CURRENCY, cmc: c.CMC_CURRENCY },
    capillaryBillNumberFormat: new RegExp(c.CAPILLARY_BILL_NUMBER_REGEX),
    usesSandbox: [c.CRMCOM_BASE_URL, c.CAPILLARY_BASE_URL, c.COUPONTOOLS_BASE_URL, c.CMC_BASE_URL].some((u) => u === undefined),
    AUDIT_SEAL_DIR: c.AUDIT_SEAL_DIR ?? '.data/audit-seals',
    ...credentialsOrSandbox(c),
    auditHmacKey: c.AUDIT_HMAC_KEY ?? DEV_AUDIT_HMAC_KEY,
    auditChainKeys: new AuditChainKeys(
      c.AUDIT_CHAIN_KEY_ID ?? (c.AUDIT_CHAIN_KEY ? '1' : 'dev'),
      c.AUDIT_CHAIN_KEY ?? DEV_AUDIT_CHAIN_KEY,
      parseOldAuditKeys(c.AUDIT_CHAIN_OLD_KEYS),
    ),
    temporalCodecKey: Buffer.from(c.TEMPORAL_CODEC_KEY ?? DEV_TEMPORAL_CODEC_KEY, 'base64'),
    temporalCodecOldKeys: parseOldCodecKeys(c.TEMPORAL_CODEC_OLD_KEYS),
    temporalTls: temporal.tls,
  };
}
