import { Client } from 'pg';
import { request } from 'undici';
import { isFinalState, type CheckoutState } from '../workflows/checkout.contract';
import { benchCheckoutId } from './reference-checkout';

export interface InvariantResult {
  name: string;
  pass: boolean;
  detail: string;
}

/** Each effect a completed reference checkout applies at the vendors, exactly once (sandbox journal names). */
export const REFERENCE_EFFECTS = [
  'crmcom:purchase.create',
  'crmcom:spend.create',
  'coupontools:coupon.lock',
  'coupontools:coupon.validate',
  'capillary:points.redeem',
  'capillary:transaction.add',
  'cmc:posttender.transaction',
] as const;

/** Transitions of a completed one-shot checkout, one audit row each. */
export const REFERENCE_TRANSITIONS = ['reserved', 'committed', 'completed'] as const;

/** Vendor calls whose success must be in the audit trail once per checkout: the effectful ones. */
export const AUDITED_EFFECT_CALLS = [
  'crmcom:purchases.create',
  'crmcom:spend_requests.create',
  'capillary:points.redeem',
  'capillary:transaction.add',
  'coupontools:couponsession.lock',
  'coupontools:couponsession.validate',
  'cmc:pos.transaction',
] as const;

/** The sandbox journal of the given posReferences, as effect -> count per posReference. */
export async function journalEffects(sandboxUrl: string, prefix: string, merchant = 'demo'): Promise<Map<string, Record<string, number>>> {
  const res = await request(`${sandboxUrl}/_sandbox/journal?reference=${encodeURIComponent(`${merchant}:S1:T1:${prefix}`)}`);
  const { entries } = (await res.body.json()) as { entries: Array<{ vendor: string; effect: string; reference: string }> };
  const byCheckout = new Map<string, Record<string, number>>();
  for (const e of entries) {
    const posReference = e.reference.split(':')[3];
    const counts = byCheckout.get(posReference) ?? {};
    const key = `${e.vendor}:${e.effect}`;
    counts[key] = (counts[key] ?? 0) + 1;
    byCheckout.set(posReference, counts);
  }
  return byCheckout;
}

/** Effects that are not exactly the reference checkout's, once each; '' when they are. */
export function effectMismatch(counts: Record<string, number> | undefined): string {
  const c = counts ?? {};
  const wrong = [
    ...REFERENCE_EFFECTS.filter((e) => c[e] !== 1).map((e) => `${e}×${c[e] ?? 0}`),
    ...Object.keys(c).filter((e) => !(REFERENCE_EFFECTS as readonly string[]).includes(e)).map((e) => `${e}×${c[e]}`),
  ];
  return wrong.join(', ');
}

/**
 * Design §8 after a saga run: (1) every started checkout ended in a final state (waits for stragglers),
 * (2) the sandbox journal has each effect of the reference checkout exactly once and no undo,
 * (3) the audit trail has one row per transition and one success row per effectful vendor call,
 * and no idempotency key twice.
 */
export async function checkSagaInvariants(opts: {
  databaseUrl: string;
  sandboxUrl: string;
  prefix: string;
  posReferences: string[];
  /**
   * Sent but answered 503 or 429: the API shed them and a POS would retry with the same key. The
   * bench does not retry, so they are not counted as started; one whose Update-With-Start reached
   * the server before the API gave up waits, pending and without effects, for its hold time.
   */
  refused?: string[];
  waitMs?: number;
}): Promise<InvariantResult[]> {
  const refused = new Set(opts.refused ?? []);
  const ids = opts.posReferences.filter((p) => !refused.has(p)).map((p) => benchCheckoutId(p));
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const results: InvariantResult[] = [];
    // Stragglers get time to finish: a one-shot answered 202 (the API stopped waiting) is still
    // driven to its end by its workflow, so an overloaded run drains for as long as sagas keep
    // moving. It stops after 20 s without any state change (a stuck saga), or at the cap.
    const deadline = Date.now() + (opts.waitMs ?? 20 * 60_000);
    let states = new Map<string, CheckoutState>();
    let lastProgress = Date.now();
    let lastPicture = '';
    for (;;) {
      const rows = await db.query<{ id: string; state: CheckoutState }>('SELECT id, state FROM checkouts WHERE id = ANY($1)', [ids]);
      states = new Map(rows.rows.map((r) => [r.id, r.state]));
      const open = ids.filter((id) => !states.has(id) || !isFinalState(states.get(id)!));
      const picture = open.map((id) => `${id}=${states.get(id)}`).join(',');
      if (picture !== lastPicture) [lastPicture, lastProgress] = [picture, Date.now()];
      if (open.length === 0 || Date.now() > deadline || Date.now() - lastProgress > 20_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const notFinal = ids.filter((id) => !states.has(id) || !isFinalState(states.get(id)!));
    const byState: Record<string, number> = {};
    for (const s of states.values()) byState[s] = (byState[s] ?? 0) + 1;
    results.push({
      name: 'every started checkout ended in a final state',
      pass: notFinal.length === 0,
      detail: `${opts.posReferences.length} sent, ${refused.size} refused (503/429), ${ids.length} started; ${JSON.stringify(byState)}${notFinal.length ? `; not final: ${notFinal.length} (e.g. ${notFinal[0]}: ${states.get(notFinal[0]) ?? 'no row'})` : ''}`,
    });

    const completed = opts.posReferences.filter((p) => states.get(benchCheckoutId(p)) === 'completed');
    const journal = await journalEffects(opts.sandboxUrl, opts.prefix);
    const effectBreaks = completed.map((p) => [p, effectMismatch(journal.get(p))] as const).filter(([, m]) => m);
    results.push({
      name: 'sandbox journal: each effect once per completed checkout',
      pass: effectBreaks.length === 0,
      detail: `${completed.length} completed checked${effectBreaks.length ? `; ${effectBreaks.length} differ, e.g. ${effectBreaks[0][0]}: ${effectBreaks[0][1]}` : ''}`,
    });

    const audit = await db.query<{ checkout_id: string; kind: string; what: string; n: string }>(
      `SELECT checkout_id, kind, CASE WHEN kind = 'transition' THEN outcome ELSE vendor || ':' || operation END AS what, count(*) AS n
         FROM audit_events WHERE checkout_id = ANY($1) AND (kind = 'transition' OR outcome = 'success')
        GROUP BY 1, 2, 3`,
      [completed.map((p) => benchCheckoutId(p))],
    );
    const rows = new Map<string, Record<string, number>>();
    for (const r of audit.rows) {
      const m = rows.get(r.checkout_id) ?? {};
      m[`${r.kind}:${r.what}`] = Number(r.n);
      rows.set(r.checkout_id, m);
    }
    const auditBreaks: string[] = [];
    for (const p of completed) {
      const m = rows.get(benchCheckoutId(p)) ?? {};
      const wrong = [
        ...REFERENCE_TRANSITIONS.filter((t) => m[`transition:${t}`] !== 1).map((t) => `transition ${t}×${m[`transition:${t}`] ?? 0}`),
        ...Object.keys(m).filter((k) => k.startsWith('transition:') && !(REFERENCE_TRANSITIONS as readonly string[]).includes(k.slice(11))).map((k) => `${k}×${m[k]}`),
        ...AUDITED_EFFECT_CALLS.filter((c) => m[`vendor_call:${c}`] !== 1).map((c) => `${c} success×${m[`vendor_call:${c}`] ?? 0}`),
      ];
      if (wrong.length) auditBreaks.push(`${p}: ${wrong.join(', ')}`);
    }
    const dup = await db.query<{ n: string }>(
      'SELECT count(*) - count(DISTINCT idempotency_key) AS n FROM audit_events WHERE checkout_id = ANY($1)',
      [ids],
    );
    const duplicates = Number(dup.rows[0].n);
    results.push({
      name: 'audit rows match: one per transition, one success per effectful call, no duplicate key',
      pass: auditBreaks.length === 0 && duplicates === 0,
      detail: `${completed.length} completed checked; ${auditBreaks.length} differ${auditBreaks.length ? ` (e.g. ${auditBreaks[0]})` : ''}; ${duplicates} duplicate keys`,
    });
    return results;
  } finally {
    await db.end();
  }
}

/** The baseline has no states or audit: its effects must still each be applied once per answered checkout. */
export async function checkBaselineInvariants(opts: { sandboxUrl: string; prefix: string; answered: string[] }): Promise<InvariantResult[]> {
  const journal = await journalEffects(opts.sandboxUrl, opts.prefix);
  const breaks = opts.answered.map((p) => [p, effectMismatch(journal.get(p))] as const).filter(([, m]) => m);
  return [
    {
      name: 'baseline: sandbox journal has each effect once per answered checkout',
      pass: breaks.length === 0,
      detail: `${opts.answered.length} checked${breaks.length ? `; ${breaks.length} differ, e.g. ${breaks[0][0]}: ${breaks[0][1]}` : ''}`,
    },
  ];
}
