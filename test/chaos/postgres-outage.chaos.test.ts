import request from 'supertest';
import { migrate } from '../../core/database/migrate';
import { asDatabaseUser, TEST_RUNTIME_LOGIN } from '../support/test-env';
import { injectFault } from '../support/journal';
import { useApiKey } from './support/chaos-http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { checkInvariants } from './invariants';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { runOutageUnderLoad } from './support/outage-under-load';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres';

/**
 * Scenario 2: our own Postgres (never the shared one) is stopped (immediate, as in a crash) while
 * checkouts write their audit rows, and started again. The bookkeeping activities retry until it is
 * back; no checkout is answered `completed` before its transition rows are written; afterwards the
 * counts are exact: three transitions per completed checkout, no duplicate row.
 */
describe('chaos 2: Postgres stopped while audit rows are being written', () => {
  const profile = chaosProfile();
  let postgres: OwnPostgres;
  let stack: TestStack;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    // As the owner (that cluster's superuser); the stack's API and worker as the runtime role.
    await migrate(postgres.url, { group: 'checkout_saga_runtime', login: TEST_RUNTIME_LOGIN, createLogin: true });
    stack = await startTestStack({ DATABASE_URL: asDatabaseUser(postgres.url, TEST_RUNTIME_LOGIN), DATABASE_OWNER_URL: postgres.url, CHECKOUT_ANSWER_TIMEOUT_MS: '60000' });
    useApiKey(stack.keys.admin);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    postgres?.destroy();
  });

  it('retries the audit writes until Postgres is back and ends with exact counts', async () => {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    await injectFault(stack.sandboxUrl, { path: '/*', kind: 'latency', latencyMs: 50 });
    const run = await runOutageUnderLoad({
      ...stack,
      prefix: 'C2',
      ratePerSecond: profile.outageRatePerSecond,
      warmMs: 5000,
      outageMs: profile.outageMs,
      afterMs: 10_000,
      breakIt: () => postgres.stop(),
      repairIt: () => postgres.start(),
    });
    const answers = run.results.flatMap((r) => r.answers);
    // Checkouts that were running when the database went away and finished after it came back.
    const caught = run.results.filter((r) => r.startedAt < run.brokenAt + 1000 && (r.finalAt ?? 0) > run.repairedAt).length;

    const report = await checkInvariants({ ...stack, posReferences: run.refs });
    printScenarioSummary('2 postgres-outage', report, {
      outage_s: ((run.repairedAt - run.brokenAt) / 1000).toFixed(1),
      caught_in_outage: caught,
      answers_5xx: answers.filter((a) => a.status >= 500).length,
      answers_202: answers.filter((a) => a.status === 202).length,
      recovery_s: (run.recoveryMs / 1000).toFixed(1),
    });

    expect(report.violations).toEqual([]);
    expect(caught).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(report.counts.completed).toBe(run.refs.length);
    // Exact: reserved, committed, completed per checkout, nothing twice (checkInvariants also
    // compares each checkout's rows with its journal).
    expect(report.counts.auditTransitions).toBe(3 * run.refs.length);
  }, 600_000);
});
