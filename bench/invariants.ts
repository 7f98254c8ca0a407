import { Client } from 'pg';
import { request } from 'undici';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../core/config/app-config';
import { temporalClientOn } from '../core/temporal/temporal-client';
import { temporalConnectionOptions } from '../core/temporal/temporal-connection';
import { checkSagaInvariants as checkShared, journalByCheckout, violationLines, type ViolationKind } from './saga-invariants';

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
 * Design §8 after a saga run, through the shared checks (bench/saga-invariants.ts), for every
 * checkout the bench sent a request for, answered or not. A request answered 2xx must have a saga;
 * one answered otherwise (503/429 shed, timeout, transport error) may not, but an Update-with-Start
 * that reached the server runs to its end, so when its saga exists it must end final and satisfy
 * every invariant like the others. Waits for stragglers (see checkSagaInvariants' waitMs).
 */
export async function checkSagaInvariants(opts: {
  databaseUrl: string;
  sandboxUrl: string;
  apiUrl: string;
  auditKey: string;
  temporalAddress: string;
  posReferences: string[];
  /** Sent and answered 2xx: their sagas must exist. */
  answered: string[];
  waitMs?: number;
}): Promise<InvariantResult[]> {
  const answered = new Set(opts.answered);
  // The stack's processes run with this process's env: the same namespace, payload codec key and TLS.
  const config = loadConfig({ ...process.env, DATABASE_URL: opts.databaseUrl, TEMPORAL_ADDRESS: opts.temporalAddress });
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const report = await checkShared(
      {
        query: async <T>(sql: string, params: unknown[]) => (await db.query(sql, params)).rows as T[],
        sandboxUrl: opts.sandboxUrl,
        temporal: temporalClientOn(connection, config),
        verifyChain: async (from, to) => {
          const res = await request(new URL(`/v1/audit/verify?from=${from}&to=${to}`, opts.apiUrl), { headers: { authorization: `Bearer ${opts.auditKey}` } });
          return { status: res.statusCode, body: await res.body.json().catch(() => undefined) };
        },
      },
      opts.posReferences.map((p) => ({ posReference: p, mustExist: answered.has(p), expectedEffects: REFERENCE_EFFECTS })),
      { waitMs: opts.waitMs ?? 20 * 60_000, stallMs: 20_000 },
    );
    const byState: Record<string, number> = {};
    for (const s of Object.values(report.states)) if (s) byState[s] = (byState[s] ?? 0) + 1;
    const kinds: Array<[string, ViolationKind[]]> = [
      ['every checkout sent (answered or not) whose saga exists ended final, and closed in Temporal', ['final', 'temporal']],
      ['sandbox journal: each expected effect once per completed checkout, each applied effect undone once per unwound one', ['effects']],
      ['audit rows: exactly one success row per vendor effect and none extra, each transition once', ['audit', 'transitions']],
      ['audit hash chain verified (GET /v1/audit/verify)', ['chain']],
    ];
    const unanswered = opts.posReferences.length - answered.size;
    return kinds.map(([name, ks]) => {
      const broken = report.violations.filter((v) => ks.includes(v.kind));
      return {
        name,
        pass: broken.length === 0,
        detail:
          `${opts.posReferences.length} sent, ${answered.size} answered 2xx, ${unanswered} not (${unanswered - report.absent.length} of them reached the server); ${JSON.stringify(byState)}` +
          (ks.includes('chain') ? `; chain ${report.chain}` : '') +
          (broken.length ? `; ${broken.length} broken, e.g. ${violationLines(broken.slice(0, 2)).join(' | ')}` : ''),
      };
    });
  } finally {
    await connection.close();
    await db.end();
  }
}

/**
 * The baseline and the peer have no states or audit: their effects must still each be applied once
 * per answered checkout (the sandbox journal).
 */
export async function checkJournalInvariants(opts: { target: 'baseline' | 'peer'; sandboxUrl: string; prefix: string; answered: string[] }): Promise<InvariantResult[]> {
  const journal = await journalByCheckout(opts.sandboxUrl, 'demo:S1:T1', opts.prefix);
  const breaks = opts.answered.map((p) => [p, effectMismatch(journal.get(p))] as const).filter(([, m]) => m);
  return [
    {
      name: `${opts.target}: sandbox journal has each effect once per answered checkout`,
      pass: breaks.length === 0,
      detail: `${opts.answered.length} checked${breaks.length ? `; ${breaks.length} differ, e.g. ${breaks[0][0]}: ${breaks[0][1]}` : ''}`,
    },
  ];
}
