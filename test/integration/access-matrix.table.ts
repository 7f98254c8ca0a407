import { ROLES, type Role } from '../../core/access/roles';

/**
 * Who may call what, written out by hand from the controllers and README "Access", and never read
 * from the guard's metadata: widening a route's @Roles (or losing a scope check) changes what the
 * API answers, and this table then disagrees with it.
 *
 * Each row is one route (method and path template) with one target, and for each role four cells,
 * one per scope of the calling key, in this order:
 *
 *   merchant   a key for the whole merchant
 *   S1         a key for store S1
 *   S1/T1      a key for store S1, till T1
 *   other      a merchant-wide key of another merchant
 *
 * A cell is the exact status: `---` is 403 `/problems/forbidden-role` (the role may not call the
 * route), `403` is 403 `/problems/outside-key-scope` (the role may, the request lies outside the
 * key's scope), `404` is `/problems/not-found`. No cell expects a 5xx.
 *
 * The target says what the call is about:
 *   S1/T1, S1/T2, S2/T1   the prepared resource of that store and till (a checkout completed there,
 *                         one voided there for `void`, one with a return for `returns`, a batch of
 *                         one sale there), or for a create (POST /v1/checkouts, /batch) the store and
 *                         till in the body
 *   sync                  a product sync of the merchant
 *   S1, S2, S9            for /v1/admin/stores/{store} and /v1/admin/callback/stores/{store}: that
 *                         store (S9: one no merchant has)
 *   crmcom                for /v1/ops/vendors/{vendor}/circuit: that vendor (sent `auto`, which changes nothing)
 *   ?…                    the query string sent as it is
 *   (empty)               the route alone
 */
export const SCOPES = ['merchant', 'S1', 'S1/T1', 'other'] as const;
export type Scope = (typeof SCOPES)[number];

/** Routes that are not in the OpenAPI document but are served (probes, the document itself). */
export const UNDOCUMENTED = ['GET /metrics', 'GET /docs-json'] as const;

export interface MatrixRow {
  route: string;
  target: string;
  /** Per role, one cell per scope (SCOPES order). */
  cells: Record<Role, readonly string[]>;
}

function row(route: string, target: string, pos: string, finance: string, ops: string, admin: string): MatrixRow {
  const split = (cells: string) => {
    const each = cells.trim().split(/\s+/);
    if (each.length !== SCOPES.length) throw new Error(`${route} ${target}: ${each.length} cells, not ${SCOPES.length}`);
    return each;
  };
  return { route, target, cells: { pos: split(pos), finance: split(finance), ops: split(ops), admin: split(admin) } };
}

const ALL = (status: number) => `${status} ${status} ${status} ${status}`;
const NONE = '--- --- --- ---';

export const ACCESS_MATRIX: readonly MatrixRow[] = [
  //   route                                      target                                     pos                finance            ops                admin
  //                                                                                         per role, the key's scope: merchant S1 S1/T1 other
  row('GET /health',                             '',                                        ALL(200),          ALL(200),          ALL(200),          ALL(200)),
  row('GET /ready',                              '',                                        ALL(200),          ALL(200),          ALL(200),          ALL(200)),
  row('GET /metrics',                            '',                                        ALL(200),          ALL(200),          ALL(200),          ALL(200)),
  row('GET /docs-json',                          '',                                        ALL(200),          ALL(200),          ALL(200),          ALL(200)),

  // Checkouts: pos drives them, every role reads them; another store or till is not found.
  row('POST /v1/checkouts',                      'S1/T1',                                   '201 201 201 201', NONE,              NONE,              '201 201 201 201'),
  row('POST /v1/checkouts',                      'S1/T2',                                   '201 201 403 201', NONE,              NONE,              '201 201 403 201'),
  row('POST /v1/checkouts',                      'S2/T1',                                   '201 403 403 201', NONE,              NONE,              '201 403 403 201'),
  // A completed checkout's commit and complete answer the phase again; its cancel is refused (409).
  row('POST /v1/checkouts/{id}/commit',          'S1/T1',                                   '200 200 200 404', NONE,              NONE,              '200 200 200 404'),
  row('POST /v1/checkouts/{id}/commit',          'S1/T2',                                   '200 200 404 404', NONE,              NONE,              '200 200 404 404'),
  row('POST /v1/checkouts/{id}/commit',          'S2/T1',                                   '200 404 404 404', NONE,              NONE,              '200 404 404 404'),
  row('POST /v1/checkouts/{id}/complete',        'S1/T1',                                   '200 200 200 404', NONE,              NONE,              '200 200 200 404'),
  row('POST /v1/checkouts/{id}/complete',        'S1/T2',                                   '200 200 404 404', NONE,              NONE,              '200 200 404 404'),
  row('POST /v1/checkouts/{id}/complete',        'S2/T1',                                   '200 404 404 404', NONE,              NONE,              '200 404 404 404'),
  row('POST /v1/checkouts/{id}/cancel',          'S1/T1',                                   '409 409 409 404', NONE,              NONE,              '409 409 409 404'),
  row('POST /v1/checkouts/{id}/cancel',          'S1/T2',                                   '409 409 404 404', NONE,              NONE,              '409 409 404 404'),
  row('POST /v1/checkouts/{id}/cancel',          'S2/T1',                                   '409 404 404 404', NONE,              NONE,              '409 404 404 404'),
  // Voided (and returned) once before the matrix: every allowed call answers that void (return) again.
  row('POST /v1/checkouts/{id}/void',            'S1/T1',                                   '200 200 200 404', NONE,              NONE,              '200 200 200 404'),
  row('POST /v1/checkouts/{id}/void',            'S1/T2',                                   '200 200 404 404', NONE,              NONE,              '200 200 404 404'),
  row('POST /v1/checkouts/{id}/void',            'S2/T1',                                   '200 404 404 404', NONE,              NONE,              '200 404 404 404'),
  row('POST /v1/checkouts/{id}/returns',         'S1/T1',                                   '200 200 200 404', NONE,              NONE,              '200 200 200 404'),
  row('POST /v1/checkouts/{id}/returns',         'S1/T2',                                   '200 200 404 404', NONE,              NONE,              '200 200 404 404'),
  row('POST /v1/checkouts/{id}/returns',         'S2/T1',                                   '200 404 404 404', NONE,              NONE,              '200 404 404 404'),
  row('GET /v1/checkouts/{id}',                  'S1/T1',                                   '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404'),
  row('GET /v1/checkouts/{id}',                  'S1/T2',                                   '200 200 404 404', '200 200 404 404', '200 200 404 404', '200 200 404 404'),
  row('GET /v1/checkouts/{id}',                  'S2/T1',                                   '200 404 404 404', '200 404 404 404', '200 404 404 404', '200 404 404 404'),

  // Batches: pos uploads (every sale in its scope), every role reads one whose sales are all in scope.
  row('POST /v1/checkouts/batch',                'S1/T1',                                   '202 202 202 202', NONE,              NONE,              '202 202 202 202'),
  row('POST /v1/checkouts/batch',                'S1/T2',                                   '202 202 403 202', NONE,              NONE,              '202 202 403 202'),
  row('POST /v1/checkouts/batch',                'S2/T1',                                   '202 403 403 202', NONE,              NONE,              '202 403 403 202'),
  row('GET /v1/checkouts/batch/{id}',            'S1/T1',                                   '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404'),
  row('GET /v1/checkouts/batch/{id}',            'S1/T2',                                   '200 200 404 404', '200 200 404 404', '200 200 404 404', '200 200 404 404'),
  row('GET /v1/checkouts/batch/{id}',            'S2/T1',                                   '200 404 404 404', '200 404 404 404', '200 404 404 404', '200 404 404 404'),

  // Capillary validation codes (OTPs): pos asks for its own store and till, as for a checkout.
  row('POST /v1/capillary/validation-codes',     'S1/T1',                                   '202 202 202 202', NONE,              NONE,              '202 202 202 202'),
  row('POST /v1/capillary/validation-codes',     'S1/T2',                                   '202 202 403 202', NONE,              NONE,              '202 202 403 202'),
  row('POST /v1/capillary/validation-codes',     'S2/T1',                                   '202 403 403 202', NONE,              NONE,              '202 403 403 202'),

  // Retro-tagging a Capillary bill: the prepared sales have no Capillary bill (409) where the key may see them.
  row('POST /v1/checkouts/{id}/capillary-customer', 'S1/T1',                                '409 409 409 404', NONE,              NONE,              '409 409 409 404'),
  row('POST /v1/checkouts/{id}/capillary-customer', 'S1/T2',                                '409 409 404 404', NONE,              NONE,              '409 409 404 404'),
  row('POST /v1/checkouts/{id}/capillary-customer', 'S2/T1',                                '409 404 404 404', NONE,              NONE,              '409 404 404 404'),

  // The catalogue is the merchant's: only admin syncs it (a store- or till-scoped admin key too: the
  // route has no scope to check); finance and ops of any scope read the merchant's syncs.
  row('POST /v1/products/sync',                  '',                                        NONE,              NONE,              NONE,              ALL(202)),
  row('GET /v1/products/sync/{id}',              'sync',                                    NONE,              '200 200 200 404', '200 200 200 404', '200 200 200 404'),

  // Ops: a closed saga has nothing to retry or cancel (409, audited).
  row('GET /v1/ops/sagas',                       '',                                        NONE,              NONE,              ALL(200),          ALL(200)),
  row('GET /v1/ops/sagas',                       '?store=S2',                               NONE,              NONE,              '200 403 403 200', '200 403 403 200'),
  row('GET /v1/ops/sagas/{id}',                  'S1/T1',                                   NONE,              NONE,              '200 200 200 404', '200 200 200 404'),
  row('GET /v1/ops/sagas/{id}',                  'S1/T2',                                   NONE,              NONE,              '200 200 404 404', '200 200 404 404'),
  row('GET /v1/ops/sagas/{id}',                  'S2/T1',                                   NONE,              NONE,              '200 404 404 404', '200 404 404 404'),
  row('POST /v1/ops/sagas/{id}/retry',           'S1/T1',                                   NONE,              NONE,              '409 409 409 404', '409 409 409 404'),
  row('POST /v1/ops/sagas/{id}/retry',           'S1/T2',                                   NONE,              NONE,              '409 409 404 404', '409 409 404 404'),
  row('POST /v1/ops/sagas/{id}/retry',           'S2/T1',                                   NONE,              NONE,              '409 404 404 404', '409 404 404 404'),
  row('POST /v1/ops/sagas/{id}/cancel',          'S1/T1',                                   NONE,              NONE,              '409 409 409 404', '409 409 409 404'),
  row('POST /v1/ops/sagas/{id}/cancel',          'S1/T2',                                   NONE,              NONE,              '409 409 404 404', '409 409 404 404'),
  row('POST /v1/ops/sagas/{id}/cancel',          'S2/T1',                                   NONE,              NONE,              '409 404 404 404', '409 404 404 404'),
  // The vendors' circuit breakers serve every store and merchant of the deployment: a merchant-wide key of its merchant.
  row('GET /v1/ops/vendors/circuits',            '',                                        NONE,              NONE,              '200 403 403 403', '200 403 403 403'),
  row('POST /v1/ops/vendors/{vendor}/circuit',   'crmcom',                                  NONE,              NONE,              '200 403 403 403', '200 403 403 403'),
  // The codec reads the payloads of every store and merchant: a key of the deployment's merchant for all of
  // it (codec-access.ts); encoding makes payloads the worker runs: admin only.
  row('POST /v1/codec/encode',                   '',                                        NONE,              NONE,              NONE,              '200 403 403 403'),
  row('POST /v1/codec/decode',                   '',                                        NONE,              NONE,              '200 403 403 403', '200 403 403 403'),

  // Finance: a store-scoped key reads its own store only (403 naming `store` for another). Audit events
  // keep to a till-scoped key's till; verify and the reconciliation cover every till of a store, so a
  // till-scoped key is refused them (403 naming `till`).
  row('GET /v1/audit/events',                    '',                                        NONE,              ALL(200),          NONE,              ALL(200)),
  row('GET /v1/audit/events',                    '?store=S2',                               NONE,              '200 403 403 200', NONE,              '200 403 403 200'),
  row('GET /v1/audit/verify',                    '?from=2026-11-21&to=2026-11-21',          NONE,              '200 200 403 200', NONE,              '200 200 403 200'),
  row('GET /v1/audit/verify',                    '?from=2026-11-21&to=2026-11-21&store=S2', NONE,              '200 403 403 200', NONE,              '200 403 403 200'),
  row('GET /v1/reports/reconciliation',          '?date=2026-11-21&store=S1',               NONE,              '200 200 403 200', NONE,              '200 200 403 200'),
  row('GET /v1/reports/reconciliation',          '?date=2026-11-21&store=S2',               NONE,              '200 403 403 200', NONE,              '200 403 403 200'),
  // `store` is required: the role is checked first (403), then the query (400).
  row('GET /v1/reports/reconciliation',          '?date=2026-11-21',                        NONE,              ALL(400),          NONE,              ALL(400)),

  // Security events: the whole merchant's, so a merchant-wide ops or finance key only (a scoped one: 403 naming `store`).
  row('GET /v1/security/events',                 '',                                        NONE,              '200 403 403 200', '200 403 403 200', '200 403 403 200'),

  // Stores: admin only, of the key's merchant (the other merchant has its own S1–S3); a store-scoped
  // admin key manages its own store: another is not found, and a PUT of another is outside its scope.
  row('GET /v1/admin/stores',                    '',                                        NONE,              NONE,              NONE,              ALL(200)),
  row('GET /v1/admin/stores/{store}',            'S1',                                      NONE,              NONE,              NONE,              ALL(200)),
  row('GET /v1/admin/stores/{store}',            'S2',                                      NONE,              NONE,              NONE,              '200 404 404 200'),
  row('PUT /v1/admin/stores/{store}',            'S1',                                      NONE,              NONE,              NONE,              ALL(200)),
  row('PUT /v1/admin/stores/{store}',            'S2',                                      NONE,              NONE,              NONE,              '200 403 403 200'),
  row('DELETE /v1/admin/stores/{store}',         'S9',                                      NONE,              NONE,              NONE,              ALL(404)),

  // Callbacks: the merchant's URL, flag and secret need a merchant-wide admin key (a scoped one: 403
  // naming `store`); a store's own URL is like the store itself. Ops see and redeliver the outbox's
  // events (of their scope; {eventId} here is one no merchant has).
  row('GET /v1/admin/callback',                  '',                                        NONE,              NONE,              NONE,              ALL(200)),
  row('PUT /v1/admin/callback',                  '',                                        NONE,              NONE,              NONE,              '200 403 403 200'),
  row('POST /v1/admin/callback/secret',          '',                                        NONE,              NONE,              NONE,              '201 403 403 201'),
  row('PUT /v1/admin/callback/stores/{store}',   'S1',                                      NONE,              NONE,              NONE,              ALL(200)),
  row('PUT /v1/admin/callback/stores/{store}',   'S2',                                      NONE,              NONE,              NONE,              '200 403 403 200'),
  row('DELETE /v1/admin/callback/stores/{store}', 'S9',                                     NONE,              NONE,              NONE,              '404 403 403 404'),
  row('GET /v1/ops/callbacks',                   '',                                        NONE,              NONE,              ALL(200),          ALL(200)),
  row('POST /v1/ops/callbacks/{eventId}/redeliver', '',                                     NONE,              NONE,              ALL(404),          ALL(404)),
];

/** What a cell expects: the status, and for a refusal the problem type. */
export interface Expected {
  status: number;
  problem?: string;
}

export function expectedOf(cell: string): Expected {
  if (cell === '---') return { status: 403, problem: '/problems/forbidden-role' };
  const status = Number(cell);
  if (!Number.isInteger(status) || status < 200 || status >= 500) throw new Error(`not a cell of the access matrix: ${cell}`);
  if (status === 403) return { status, problem: '/problems/outside-key-scope' };
  if (status === 404) return { status, problem: '/problems/not-found' };
  return { status };
}

/** The roles the table lets call a route at all: those with a cell other than `---` in any of its rows. */
export function rolesAllowedOn(route: string): Role[] {
  return ROLES.filter((role) => ACCESS_MATRIX.some((r) => r.route === route && r.cells[role].some((c) => c !== '---')));
}
