import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { isFinalState, RefusalCodes, type CheckoutState, type CheckoutView } from '../workflows/checkout.contract';

/**
 * Design §8's invariants for a set of checkouts, shared by the chaos suite (test/chaos), the bench and
 * the worker-crash test. It lives under bench/ because tsconfig.build.json compiles bench/ (not test/)
 * into dist/, and tests may import from bench/ while the bench may not import from test/.
 *
 * Per checkout, once its saga is final:
 * - effects (sandbox journal, src/sandbox/sandbox-journal.ts): each effect SENT at most once, counting
 *   every journal entry of it whatever the vendor did (a send refused as a duplicate is a second send);
 *   completed: each expected effect applied exactly once and no undo; cancelled/expired/compensated:
 *   each applied effect undone exactly once; compensation_failed: every effect left applied is named
 *   by a failed undo in the view;
 * - an effect without a lookup (CMC, activities/vendors/cmc.vendor.ts) may end "outcome unknown"
 *   instead: at most one send, its `unknown` audit row, the exception for finance in the view, and no
 *   success row required (one is allowed when the first send's answer did land);
 * - audit: exactly one success row per applied vendor effect (applied journal entries = success rows
 *   of the effect's operation; recovered rows are written only when no success row exists, see
 *   core/audit/audit-writer.ts) and no success row of an effectful operation the journal lacks;
 *   each transition once, ending in the state;
 * - Temporal: the workflow is closed (COMPLETED), or for compensation_failed open and parked (no
 *   pending activity);
 * - the audit hash chain verifies (a missing verify route is a failure).
 */

/** The undo of each journalled effect (design.md §8.1): applied at most once, undone at most once. */
export const UNDO_OF: Record<string, string | undefined> = {
  'crmcom:purchase.create': 'crmcom:purchase.cancel',
  'crmcom:spend.create': 'crmcom:spend.cancel',
  'capillary:points.redeem': 'capillary:points.reverse',
  'capillary:transaction.add': 'capillary:transaction.return',
  'capillary:coupon.redeem': 'capillary:coupon.reactivate',
  'coupontools:coupon.lock': 'coupontools:coupon.unlock',
  'coupontools:coupon.validate': undefined,
  'cmc:posttender.transaction': 'cmc:posttender.refund',
};
const UNDOS = new Set(Object.values(UNDO_OF).filter(Boolean) as string[]);

/** The audited vendor operation (`vendor:operation`) of each journalled effect (§8.3). */
export const OPERATION_OF: Record<string, string> = {
  'crmcom:purchase.create': 'crmcom:purchases.create',
  'crmcom:purchase.cancel': 'crmcom:purchases.cancel',
  'crmcom:spend.create': 'crmcom:spend_requests.create',
  'crmcom:spend.cancel': 'crmcom:spend_requests.cancel',
  'capillary:points.redeem': 'capillary:points.redeem',
  'capillary:points.reverse': 'capillary:points.reverse',
  'capillary:transaction.add': 'capillary:transaction.add',
  'capillary:transaction.return': 'capillary:transaction.return',
  'capillary:coupon.redeem': 'capillary:coupon.redeem',
  'capillary:coupon.reactivate': 'capillary:coupon.reactivate',
  'coupontools:coupon.lock': 'coupontools:couponsession.lock',
  'coupontools:coupon.unlock': 'coupontools:couponsession.unlock',
  'coupontools:coupon.validate': 'coupontools:couponsession.validate',
  'cmc:posttender.transaction': 'cmc:pos.transaction',
  'cmc:posttender.refund': 'cmc:pos.refund',
};
const EFFECT_OF_OPERATION = Object.fromEntries(Object.entries(OPERATION_OF).map(([e, op]) => [op, e]));

/**
 * Effects that have no documented lookup and so are never re-sent once they may have reached the
 * vendor: their adapter ends an unknown outcome with an `unknown` audit row and an exception for finance.
 */
export const UNKNOWN_OUTCOME_ALLOWED: ReadonlySet<string> = new Set([
  'cmc:posttender.transaction',
  'cmc:posttender.refund',
  'crmcom:purchase.create',
  'crmcom:spend.create',
]);
/**
 * Of those, the ones sent before payment: their unknown outcome fails the step and the saga unwinds
 * (crmcom-legacy.vendor.ts outcomeUnknown), so the checkout must not have completed; the unwind's
 * purchase cancel takes the spend with it.
 */
const UNKNOWN_OUTCOME_UNWINDS: ReadonlySet<string> = new Set(['crmcom:purchase.create', 'crmcom:spend.create']);

const UNWOUND: readonly CheckoutState[] = ['cancelled', 'expired', 'compensated'];

export type ViolationKind = 'final' | 'effects' | 'audit' | 'transitions' | 'temporal' | 'projection' | 'chain';
export interface Violation {
  kind: ViolationKind;
  /** The POS reference, or '' for a run-wide violation (the chain). */
  ref: string;
  message: string;
}

/** What the workflow's describe said: closed status name, or open with its pending activities. */
export interface WorkflowStatus {
  status: string;
  pendingActivities: number;
}

/** Everything known about one final checkout: the pure check's input. */
export interface CheckoutFacts {
  ref: string;
  state: CheckoutState;
  view: CheckoutView | null;
  /** Journal sends, `vendor:effect` -> n: every entry, applied or refused as a duplicate. */
  effects: Record<string, number>;
  /** Journal entries the vendor applied, `vendor:effect` -> n; absent: every send was applied. */
  applied?: Record<string, number>;
  /** Success rows of vendor calls, `vendor:operation` -> n. */
  successRows: Record<string, number>;
  /** `unknown` rows of vendor calls (an effect not sent again, its outcome unknown), `vendor:operation` -> n. */
  unknownRows?: Record<string, number>;
  /** Transition outcomes, in id order. */
  transitions: string[];
  workflow: WorkflowStatus | undefined;
  /** When given: exactly these effects, once each, for a completed checkout (and nothing else). */
  expectedEffects?: readonly string[];
}

/** The effects a completed checkout's view says it applied (its references and receipt). */
export function effectsOfCompletedView(view: CheckoutView | null): string[] {
  const out: string[] = [];
  const r = view?.receipt;
  const refs = r?.references ?? {};
  if (refs.crmcomPurchaseNumber) out.push('crmcom:purchase.create');
  if (refs.crmcomSpendNumber || (r?.spentMinor ?? 0) > 0) out.push('crmcom:spend.create');
  if (refs.capillaryTransactionId || refs.capillaryBillNumber) out.push('capillary:transaction.add');
  if (refs.pointsRedemptionId || (r?.pointsRedeemed ?? 0) > 0) out.push('capillary:points.redeem');
  if (refs.cmcTransactionId || r?.postTender) out.push('cmc:posttender.transaction');
  for (const c of r?.coupons ?? []) {
    if (c.provider === 'coupontools') out.push('coupontools:coupon.lock', 'coupontools:coupon.validate');
    if (c.provider === 'capillary') out.push('capillary:coupon.redeem');
  }
  return out;
}

/** The vendor named by an undo step ('void CRM.COM purchase', 'reverse Capillary points', 'release coupon coupontools:X'). */
function vendorsNamedBy(step: string): string[] {
  const s = step.toLowerCase().replace(/\./g, '');
  return ['crmcom', 'capillary', 'coupontools', 'cmc'].filter((v) => s.includes(v));
}

/** Every violation of one final checkout (pure: unit tests feed it broken facts). */
export function checkoutViolations(f: CheckoutFacts): Violation[] {
  const out: Violation[] = [];
  const v = (kind: ViolationKind, message: string) => out.push({ kind, ref: f.ref, message });
  const { effects, state } = f;
  const applied = f.applied ?? effects;
  const unknownRows = f.unknownRows ?? {};
  /** The effect ended "outcome unknown" (its `unknown` audit row): it need not be applied, nor have a success row. */
  const unresolved = (effect: string) => (unknownRows[OPERATION_OF[effect]] ?? 0) > 0;

  // Effects: sent once, whatever the vendor answered; a refused duplicate is still a second send.
  for (const [effect, n] of Object.entries(effects)) if (n > 1) v('effects', `${effect} sent ${n} times (${applied[effect] ?? 0} applied)`);
  for (const [effect, undo] of Object.entries(UNDO_OF)) {
    const done = applied[effect] ?? 0;
    const undone = undo ? (applied[undo] ?? 0) : 0;
    if (undone > done) v('effects', `${undo} without ${effect}`);
    if (UNWOUND.includes(state) && done !== undone) v('effects', `${state} but ${effect} ${done}x, undone ${undone}x`);
  }
  if (state === 'completed') {
    for (const undo of UNDOS) if (effects[undo]) v('effects', `completed but ${undo} in the journal`);
    const expected = new Set([...effectsOfCompletedView(f.view), ...(f.expectedEffects ?? [])]);
    for (const e of expected) {
      if (!unresolved(e) && (applied[e] ?? 0) !== 1) v('effects', `completed but ${e} ${applied[e] ?? 0}x in the journal (expected once)`);
    }
    if (f.expectedEffects) {
      for (const e of Object.keys(effects)) if (!f.expectedEffects.includes(e) && !unresolved(e)) v('effects', `completed with unexpected ${e} ${effects[e]}x`);
    }
    if (applied['coupontools:coupon.lock'] && !applied['coupontools:coupon.validate']) v('effects', 'completed with a coupon locked but never validated');
  }

  // Outcome unknown: only where no lookup exists, and never hidden from finance.
  for (const [op, n] of Object.entries(unknownRows)) {
    const effect = EFFECT_OF_OPERATION[op];
    if (!n || !effect) continue;
    if (!UNKNOWN_OUTCOME_ALLOWED.has(effect)) v('audit', `${op} ended outcome unknown, but ${effect} has a lookup: it must be resolved`);
    if (UNKNOWN_OUTCOME_UNWINDS.has(effect)) {
      if (state === 'completed') v('effects', `${op} ended outcome unknown before payment, yet the checkout completed`);
      continue;
    }
    const vendor = effect.split(':')[0];
    const exceptions = [...(f.view?.receipt?.exceptions ?? []), ...(f.view?.void?.exceptions ?? []), ...(f.view?.returns?.items ?? []).flatMap((r) => r.exceptions)];
    if (!exceptions.some((x) => x.vendor === vendor && x.code === RefusalCodes.outcomeUnknown)) {
      v('effects', `${op} ended outcome unknown without an ${RefusalCodes.outcomeUnknown} exception for finance in the view`);
    }
  }
  if (state === 'compensation_failed') {
    const failed = (f.view?.compensations ?? []).filter((c) => c.outcome === 'failed');
    if (!failed.length) v('effects', 'compensation_failed but the view names no failed undo');
    if (!f.view?.failureReason) v('effects', 'compensation_failed without a failureReason');
    const named = new Set(failed.flatMap((c) => vendorsNamedBy(c.step)));
    for (const [effect, undo] of Object.entries(UNDO_OF)) {
      if (!undo || (effects[effect] ?? 0) <= (effects[undo] ?? 0)) continue;
      if (!named.has(effect.split(':')[0])) v('effects', `compensation_failed with ${effect} left applied but no failed undo names ${effect.split(':')[0]}`);
    }
  }

  // Audit: one success row per applied effect, none extra (an unknown outcome needs none, allows one).
  for (const effect of Object.keys(OPERATION_OF)) {
    // A spend of unknown outcome is never cancelled by number: CRM.COM cancels it with its purchase,
    // whose row explains it (crmcom-legacy.vendor.ts voidPurchase).
    if (effect === 'crmcom:spend.cancel' && unresolved('crmcom:spend.create') && (f.successRows[OPERATION_OF[effect]] ?? 0) === 0) continue;
    const journalled = applied[effect] ?? 0;
    const rows = f.successRows[OPERATION_OF[effect]] ?? 0;
    if (unresolved(effect) ? rows > journalled : rows !== journalled) {
      v('audit', `${effect} ${journalled}x in the journal but ${rows} success rows of ${OPERATION_OF[effect]}`);
    }
  }

  // Transitions.
  const t = f.transitions;
  if (new Set(t).size !== t.length) v('transitions', `duplicate transition rows ${t.join(',')}`);
  if (t.at(-1) !== state) v('transitions', `last audited transition ${t.at(-1)} but state ${state}`);
  if (state === 'completed' && t.join(',') !== 'reserved,committed,completed') v('transitions', `completed with transitions ${t.join(',')}`);
  if (state === 'compensated' && (f.view?.compensations ?? []).length > 0 && !t.includes('compensating')) {
    v('transitions', `compensated ${f.view!.compensations.length} undos without a compensating transition`);
  }

  // Temporal.
  const w = f.workflow;
  if (!w) v('temporal', 'workflow not found in Temporal');
  else if (state === 'compensation_failed') {
    if (w.status !== 'RUNNING' || w.pendingActivities > 0) v('temporal', `compensation_failed but workflow ${w.status} with ${w.pendingActivities} pending activities (expected open, parked)`);
  } else if (w.status !== 'COMPLETED') v('temporal', `${state} but workflow ${w.status}`);
  return out;
}

/** A database: TypeORM's `dataSource.query` or a pg client wrapped to return rows. */
export type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export interface SagaInvariantTarget {
  query: Query;
  sandboxUrl: string;
  temporal: Client;
  /** GET /v1/audit/verify for yesterday..today with a finance/admin key. */
  verifyChain: (from: string, to: string) => Promise<{ status: number; body: unknown }>;
  /** Optional API read of a checkout's view: compared with the projection. */
  getView?: (checkoutId: string) => Promise<{ status: number; body: { state?: CheckoutState } | undefined }>;
  /** merchant:store:till of every reference; default demo:S1:T1. */
  scope?: string;
}

export interface CheckoutToCheck {
  posReference: string;
  /** false: the request may never have reached the server (503/429/timeout); no saga is fine. */
  mustExist: boolean;
  expectedEffects?: readonly string[];
}

export interface SagaInvariantReport {
  violations: Violation[];
  chain: 'verified' | 'broken' | 'missing route';
  /** Final state per POS reference (undefined: not final, or no saga). */
  states: Record<string, CheckoutState | undefined>;
  /** Journal sends per POS reference (every entry, any outcome), `vendor:effect` -> n. */
  effects: Record<string, Record<string, number>>;
  views: Record<string, CheckoutView | null>;
  /** References allowed not to exist whose saga indeed does not. */
  absent: string[];
  counts: { checked: number; final: number; notFinal: number; journalEffects: number; auditRows: number; auditTransitions: number; auditVendorCalls: number };
}

interface ProjectionRow {
  id: string;
  state: CheckoutState;
  view: CheckoutView | null;
}

/**
 * Checks every given checkout. Waits (up to `waitMs`) for sagas to end: while any moves, or while an
 * open one's hold has not expired yet; it stops after `stallMs` without any change.
 */
export async function checkSagaInvariants(
  target: SagaInvariantTarget,
  checkouts: CheckoutToCheck[],
  opts: { waitMs?: number; stallMs?: number } = {},
): Promise<SagaInvariantReport> {
  const scope = target.scope ?? 'demo:S1:T1';
  const idOf = (ref: string) => `checkout:${scope}:${ref}`;
  const ids = checkouts.map((c) => idOf(c.posReference));
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  const stallMs = opts.stallMs ?? 20_000;
  let projection = new Map<string, ProjectionRow>();
  let workflows = new Map<string, WorkflowStatus | undefined>();
  let lastPicture = '';
  let lastProgress = Date.now();
  for (;;) {
    const rows = await target.query<ProjectionRow>('SELECT id, state, view FROM checkouts WHERE id = ANY($1)', [ids]);
    projection = new Map(rows.map((r) => [r.id, r]));
    workflows = new Map(await mapLimit(ids, 16, async (id) => [id, await describe(target.temporal, id)] as const));
    const open = checkouts.filter((c) => !settled(c, projection.get(idOf(c.posReference)), workflows.get(idOf(c.posReference))));
    const picture = open.map((c) => `${c.posReference}=${projection.get(idOf(c.posReference))?.state}/${workflows.get(idOf(c.posReference))?.status}`).join(',');
    if (picture !== lastPicture) [lastPicture, lastProgress] = [picture, Date.now()];
    const holding = open.some((c) => {
      const hold = projection.get(idOf(c.posReference))?.view?.quote?.holdExpiresAt;
      return hold !== undefined && Date.parse(hold) + 60_000 > Date.now();
    });
    if (open.length === 0 || Date.now() > deadline || (!holding && Date.now() - lastProgress > stallMs)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }

  const journal = await journalCountsByCheckout(target.sandboxUrl, scope);
  const audit = await target.query<{ checkout_id: string; kind: string; vendor: string | null; operation: string | null; outcome: string }>(
    'SELECT checkout_id, kind, vendor, operation, outcome FROM audit_events WHERE checkout_id = ANY($1) ORDER BY id',
    [ids],
  );
  const report: SagaInvariantReport = {
    violations: [],
    chain: 'verified',
    states: {},
    effects: {},
    views: {},
    absent: [],
    counts: { checked: checkouts.length, final: 0, notFinal: 0, journalEffects: 0, auditRows: audit.length, auditTransitions: 0, auditVendorCalls: 0 },
  };
  for (const c of checkouts) {
    const ref = c.posReference;
    const id = idOf(ref);
    const row = projection.get(id);
    const workflow = workflows.get(id);
    const { sends: effects, applied } = journal.get(ref) ?? { sends: {}, applied: {} };
    report.effects[ref] = effects;
    report.counts.journalEffects += Object.values(effects).reduce((a, b) => a + b, 0);
    const rows = audit.filter((r) => r.checkout_id === id);
    const transitions = rows.filter((r) => r.kind === 'transition').map((r) => r.outcome);
    report.counts.auditTransitions += transitions.length;
    report.counts.auditVendorCalls += rows.filter((r) => r.kind === 'vendor_call').length;
    if (!row && !workflow && !rows.length && !Object.keys(effects).length && !c.mustExist) {
      report.absent.push(ref);
      continue;
    }
    report.views[ref] = row?.view ?? null;
    if (!row || !isFinalState(row.state)) {
      report.counts.notFinal += 1;
      report.violations.push({ kind: 'final', ref, message: `not final (projection ${row?.state ?? 'no row'}, workflow ${workflow?.status ?? 'not found'})` });
      continue;
    }
    report.counts.final += 1;
    report.states[ref] = row.state;
    if (target.getView) {
      const got = await target.getView(id);
      if (got.status !== 200 || got.body?.state !== row.state) {
        report.violations.push({ kind: 'projection', ref, message: `projection says ${row.state}, GET answered ${got.status} ${got.body?.state}` });
      }
    }
    const successRows: Record<string, number> = {};
    const unknownRows: Record<string, number> = {};
    for (const r of rows) {
      if (r.kind !== 'vendor_call' || (r.outcome !== 'success' && r.outcome !== 'unknown')) continue;
      const op = `${r.vendor}:${r.operation}`;
      const counts = r.outcome === 'success' ? successRows : unknownRows;
      if (EFFECT_OF_OPERATION[op]) counts[op] = (counts[op] ?? 0) + 1;
    }
    report.violations.push(
      ...checkoutViolations({
        ref, state: row.state, view: row.view, effects, applied, successRows, unknownRows, transitions, workflow, expectedEffects: c.expectedEffects,
      }),
    );
  }
  report.chain = await verifyChain(target, report.violations);
  return report;
}

/** A saga is settled when its projection is final and Temporal agrees (closed, or open for compensation_failed). */
function settled(c: CheckoutToCheck, row: ProjectionRow | undefined, workflow: WorkflowStatus | undefined): boolean {
  if (!row && !workflow) return !c.mustExist;
  if (!row || !isFinalState(row.state) || !workflow) return false;
  return row.state === 'compensation_failed' ? workflow.pendingActivities === 0 : workflow.status !== 'RUNNING';
}

async function describe(temporal: Client, workflowId: string): Promise<WorkflowStatus | undefined> {
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    return { status: d.status.name, pendingActivities: d.raw.pendingActivities?.length ?? 0 };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Effect send counts per POS reference (every journal entry, applied or refused as a duplicate: "each
 * effect once" is about sends), from one read of the sandbox journal: the references of `scope`
 * (merchant:store:till) whose POS reference starts with `refPrefix`.
 */
export async function journalByCheckout(sandboxUrl: string, scope: string, refPrefix = ''): Promise<Map<string, Record<string, number>>> {
  const counts = await journalCountsByCheckout(sandboxUrl, scope, refPrefix);
  return new Map([...counts].map(([ref, c]) => [ref, c.sends]));
}

/** Per POS reference: every send of each effect, and the sends the vendor applied (totals, undo balance, audit). */
export interface JournalCounts {
  sends: Record<string, number>;
  applied: Record<string, number>;
}

export async function journalCountsByCheckout(sandboxUrl: string, scope: string, refPrefix = ''): Promise<Map<string, JournalCounts>> {
  const res = await fetch(`${sandboxUrl}/_sandbox/journal?reference=${encodeURIComponent(`${scope}:${refPrefix}`)}`);
  const { entries } = (await res.json()) as { entries: Array<{ vendor: string; effect: string; reference: string; outcome?: string }> };
  const by = new Map<string, JournalCounts>();
  const add = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  for (const e of entries) {
    const ref = e.reference.slice(scope.length + 1).split(':')[0];
    const counts = by.get(ref) ?? { sends: {}, applied: {} };
    const key = `${e.vendor}:${e.effect}`;
    add(counts.sends, key);
    // An entry without an outcome comes from a sandbox before outcomes: it recorded applied effects only.
    if ((e.outcome ?? 'applied') === 'applied') add(counts.applied, key);
    by.set(ref, counts);
  }
  return by;
}

/** The audit hash chain, yesterday to today (UTC): a missing route or any break is a violation. */
async function verifyChain(target: SagaInvariantTarget, violations: Violation[]): Promise<SagaInvariantReport['chain']> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const res = await target.verifyChain(day(-1), day(0));
  if (res.status === 404) {
    violations.push({ kind: 'chain', ref: '', message: 'GET /v1/audit/verify answered 404: the chain cannot be verified' });
    return 'missing route';
  }
  const body = (res.body ?? {}) as { ok?: boolean; firstBreak?: unknown };
  if (res.status !== 200 || body.ok !== true || body.firstBreak) {
    violations.push({ kind: 'chain', ref: '', message: `GET /v1/audit/verify answered ${res.status} ${JSON.stringify(body).slice(0, 300)}` });
    return 'broken';
  }
  return 'verified';
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** One line per violation, `ref: message` (run-wide ones prefixed by their kind). */
export function violationLines(violations: Violation[]): string[] {
  return violations.map((x) => `${x.ref || x.kind}: ${x.message}`);
}
