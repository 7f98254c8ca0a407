import type { DataSource } from 'typeorm';
import { FINAL_STATES, type CheckoutState } from '../../workflows/checkout.contract';
import { callApi } from './support/chaos-http';

/** The undo of each journalled effect (design.md §8.1): applied at most once, undone at most once. */
const UNDO_OF: Record<string, string | undefined> = {
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

/** The audited operation of each journalled effect: every effect must have its vendor call rows (§8.3). */
const OPERATION_OF: Record<string, string> = {
  'crmcom:purchase.create': 'purchases.create',
  'crmcom:purchase.cancel': 'purchases.cancel',
  'crmcom:spend.create': 'spend_requests.create',
  'crmcom:spend.cancel': 'spend_requests.cancel',
  'capillary:points.redeem': 'points.redeem',
  'capillary:points.reverse': 'points.reverse',
  'capillary:transaction.add': 'transaction.add',
  'capillary:transaction.return': 'transaction.return',
  'capillary:coupon.redeem': 'coupon.redeem',
  'capillary:coupon.reactivate': 'coupon.reactivate',
  'coupontools:coupon.lock': 'couponsession.lock',
  'coupontools:coupon.unlock': 'couponsession.unlock',
  'coupontools:coupon.validate': 'couponsession.validate',
  'cmc:posttender.transaction': 'pos.transaction',
  'cmc:posttender.refund': 'pos.refund',
};
const UNWOUND: readonly CheckoutState[] = ['cancelled', 'expired', 'compensated'];

export interface InvariantTarget {
  apiUrl: string;
  sandboxUrl: string;
  dataSource: DataSource;
  /** The test stacks act for merchant demo, store S1, till T1. */
  posReferences: string[];
}

export interface InvariantReport {
  counts: {
    started: number;
    completed: number;
    compensated: number;
    unwound: number;
    rejected: number;
    compensationFailed: number;
    notFinal: number;
    journalEffects: number;
    auditRows: number;
    auditTransitions: number;
    auditVendorCalls: number;
  };
  /** Each broken invariant, one line naming the checkout; empty when all hold. */
  violations: string[];
  chain: 'verified' | 'not available on this branch' | 'broken';
  /** Final state per POS reference, for scenario-specific assertions. */
  states: Record<string, CheckoutState | undefined>;
  effects: Record<string, Record<string, number>>;
}

interface AuditRow {
  checkout_id: string;
  kind: string;
  vendor: string | null;
  operation: string | null;
  outcome: string;
}

/** Checks design.md §8's invariants for every checkout a scenario started. */
export async function checkInvariants(target: InvariantTarget): Promise<InvariantReport> {
  const violations: string[] = [];
  const ids = target.posReferences.map((ref) => `checkout:demo:S1:T1:${ref}`);
  const journal = await journalByCheckout(target.sandboxUrl);
  const audit = await target.dataSource.query<AuditRow[]>(
    `SELECT checkout_id, kind, vendor, operation, outcome FROM audit_events WHERE checkout_id = ANY($1) ORDER BY id`,
    [ids],
  );
  const [keys] = await target.dataSource.query<Array<{ total: string; distinct: string }>>(
    `SELECT count(*) AS total, count(DISTINCT idempotency_key) AS distinct FROM audit_events WHERE checkout_id = ANY($1)`,
    [ids],
  );
  if (keys.total !== keys.distinct) violations.push(`audit: ${keys.total} rows but ${keys.distinct} idempotency keys`);
  const projection = new Map<string, string>(
    (await target.dataSource.query<Array<{ id: string; state: string }>>(`SELECT id, state FROM checkouts WHERE id = ANY($1)`, [ids])).map((r) => [r.id, r.state]),
  );

  const report: InvariantReport = {
    counts: {
      started: ids.length, completed: 0, compensated: 0, unwound: 0, rejected: 0, compensationFailed: 0, notFinal: 0,
      journalEffects: 0, auditRows: audit.length, auditTransitions: 0, auditVendorCalls: 0,
    },
    violations,
    chain: 'verified',
    states: {},
    effects: {},
  };
  for (const [i, ref] of target.posReferences.entries()) {
    const id = ids[i];
    const got = await callApi(target.apiUrl, 'GET', `/v1/checkouts/${encodeURIComponent(id)}`);
    const state = got.status === 200 ? (got.body.state as CheckoutState) : undefined;
    report.states[ref] = state;
    if (!state || !FINAL_STATES.includes(state)) {
      report.counts.notFinal += 1;
      violations.push(`${ref}: not final (GET ${got.status}, state ${state})`);
      continue;
    }
    if (state === 'completed') report.counts.completed += 1;
    if (state === 'compensated') report.counts.compensated += 1;
    if (state === 'compensation_failed') report.counts.compensationFailed += 1;
    if (UNWOUND.includes(state)) report.counts.unwound += 1;
    if (got.body.rejection) report.counts.rejected += 1;
    if (projection.get(id) !== state) violations.push(`${ref}: projection says ${projection.get(id)}, GET says ${state}`);

    const effects = journal.get(ref) ?? {};
    report.effects[ref] = effects;
    report.counts.journalEffects += Object.values(effects).reduce((a, b) => a + b, 0);
    violations.push(...effectViolations(ref, state, effects));

    const rows = audit.filter((r) => r.checkout_id === id);
    const transitions = rows.filter((r) => r.kind === 'transition').map((r) => r.outcome);
    report.counts.auditTransitions += transitions.length;
    report.counts.auditVendorCalls += rows.length - transitions.length;
    violations.push(...transitionViolations(ref, state, transitions, (got.body.compensations ?? []).length));
    for (const effect of Object.keys(effects)) {
      const [vendor] = effect.split(':');
      if (!rows.some((r) => r.kind === 'vendor_call' && r.vendor === vendor && r.operation === OPERATION_OF[effect])) {
        violations.push(`${ref}: ${effect} is in the journal but no ${vendor} ${OPERATION_OF[effect]} call is audited`);
      }
    }
  }
  report.chain = await verifyAuditChain(target.apiUrl, violations);
  return report;
}

function effectViolations(ref: string, state: CheckoutState, effects: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [effect, n] of Object.entries(effects)) if (n > 1) out.push(`${ref}: ${effect} applied ${n} times`);
  for (const [effect, undo] of Object.entries(UNDO_OF)) {
    const done = effects[effect] ?? 0;
    const undone = undo ? (effects[undo] ?? 0) : 0;
    if (undone > done) out.push(`${ref}: ${undo} without ${effect}`);
    if (UNWOUND.includes(state) && done !== undone) out.push(`${ref}: ${state} but ${effect} ${done}x, undone ${undone}x`);
  }
  if (state === 'completed') {
    for (const undo of UNDOS) if (effects[undo]) out.push(`${ref}: completed but ${undo} in the journal`);
    const locked = effects['coupontools:coupon.lock'] ?? 0;
    if (locked && !effects['coupontools:coupon.validate']) out.push(`${ref}: completed with a coupon locked but never validated`);
  }
  return out;
}

function transitionViolations(ref: string, state: CheckoutState, transitions: string[], compensations: number): string[] {
  const out: string[] = [];
  if (new Set(transitions).size !== transitions.length) out.push(`${ref}: duplicate transition rows ${transitions.join(',')}`);
  if (transitions.at(-1) !== state) out.push(`${ref}: last audited transition ${transitions.at(-1)} but state ${state}`);
  if (state === 'completed' && transitions.join(',') !== 'reserved,committed,completed') {
    out.push(`${ref}: completed with transitions ${transitions.join(',')}`);
  }
  // A saga that failed before registering any undo goes straight to compensated.
  if (state === 'compensated' && compensations > 0 && !transitions.includes('compensating')) {
    out.push(`${ref}: compensated ${compensations} undos without a compensating transition`);
  }
  return out;
}

/** Effect counts per POS reference, from one read of the sandbox journal. */
async function journalByCheckout(sandboxUrl: string): Promise<Map<string, Record<string, number>>> {
  const res = await fetch(`${sandboxUrl}/_sandbox/journal?reference=${encodeURIComponent('demo:S1:T1:')}`);
  const { entries } = (await res.json()) as { entries: Array<{ vendor: string; effect: string; reference: string }> };
  const by = new Map<string, Record<string, number>>();
  for (const e of entries) {
    const ref = e.reference.slice('demo:S1:T1:'.length).split(':')[0];
    const counts = by.get(ref) ?? {};
    counts[`${e.vendor}:${e.effect}`] = (counts[`${e.vendor}:${e.effect}`] ?? 0) + 1;
    by.set(ref, counts);
  }
  return by;
}

/**
 * The audit hash chain (issue 6) is one pluggable check: until `GET /v1/audit/verify` exists on this
 * branch it answers 404 and the check says so instead of failing.
 */
async function verifyAuditChain(apiUrl: string, violations: string[]): Promise<InvariantReport['chain']> {
  // Yesterday to today (UTC): a run that crosses midnight is still covered.
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const res = await callApi(apiUrl, 'GET', `/v1/audit/verify?from=${day(-1)}&to=${day(0)}`);
  if (res.status === 404) {
    process.stdout.write('chain verification: not available on this branch\n');
    return 'not available on this branch';
  }
  const body = res.body ?? {};
  if (res.status !== 200 || body.ok === false || body.valid === false || body.firstBreak) {
    violations.push(`audit chain: GET /v1/audit/verify answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return 'broken';
  }
  return 'verified';
}
