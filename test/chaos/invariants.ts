import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { checkSagaInvariants, violationLines, type SagaInvariantReport } from '../../bench/saga-invariants';
import type { CheckoutState } from '../../workflows/checkout.contract';
import { callApi } from './support/chaos-http';

const UNWOUND: readonly CheckoutState[] = ['cancelled', 'expired', 'compensated'];

export interface InvariantTarget {
  apiUrl: string;
  sandboxUrl: string;
  dataSource: DataSource;
  /** The client of the Temporal server the scenario's workflows run on: each must be closed (or parked). */
  temporal: Client;
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
  chain: SagaInvariantReport['chain'];
  /** Final state per POS reference, for scenario-specific assertions. */
  states: Record<string, CheckoutState | undefined>;
  effects: Record<string, Record<string, number>>;
}

/**
 * Checks design.md §8's invariants (bench/saga-invariants.ts) for every checkout a scenario started:
 * each must exist, end final, match its effects and audit rows, be closed in Temporal (parked when
 * compensation_failed), agree with GET, and the audit chain must verify.
 */
export async function checkInvariants(target: InvariantTarget): Promise<InvariantReport> {
  const shared = await checkSagaInvariants(
    {
      query: (sql, params) => target.dataSource.query(sql, params),
      sandboxUrl: target.sandboxUrl,
      temporal: target.temporal,
      // The stacks' store only: a test that tampers with chains on purpose does so in a store of its own.
      verifyChain: (from, to) => callApi(target.apiUrl, 'GET', `/v1/audit/verify?from=${from}&to=${to}&store=S1`),
      getView: (id) => callApi(target.apiUrl, 'GET', `/v1/checkouts/${encodeURIComponent(id)}`),
    },
    target.posReferences.map((posReference) => ({ posReference, mustExist: true })),
    { waitMs: 120_000 },
  );
  const states = Object.values(shared.states);
  const count = (s: CheckoutState) => states.filter((x) => x === s).length;
  return {
    counts: {
      started: target.posReferences.length,
      completed: count('completed'),
      compensated: count('compensated'),
      unwound: states.filter((s) => s && UNWOUND.includes(s)).length,
      rejected: Object.values(shared.views).filter((v) => v?.rejection).length,
      compensationFailed: count('compensation_failed'),
      notFinal: shared.counts.notFinal,
      journalEffects: shared.counts.journalEffects,
      auditRows: shared.counts.auditRows,
      auditTransitions: shared.counts.auditTransitions,
      auditVendorCalls: shared.counts.auditVendorCalls,
    },
    violations: violationLines(shared.violations),
    chain: shared.chain,
    states: shared.states,
    effects: shared.effects,
  };
}
