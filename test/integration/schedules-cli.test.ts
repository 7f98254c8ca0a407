import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { temporalConnectionEnv } from '../../core/temporal/temporal-connection';
import { temporalClientOn } from '../../core/temporal/temporal-client';
import { ensureNamespaceAndSearchAttributes } from '../../src/dev-stack/temporal-namespace-setup';
import { builtCli } from '../support/built-cli';
import { testStackForFile } from '../support/test-stack';

const cli = builtCli('schedules', 'dist/src/schedules/schedules-cli.js');
const SCHEDULE_IDS = ['product-sync-nightly:acme', 'audit-seal-nightly', 'audit-checkpoint'];

/**
 * `npm run schedules`, the deploy step that gives a Temporal cluster the app's schedules, as the built
 * program against the suite's Temporal server. In a namespace of its own: schedule ids are per
 * namespace, and other files create and delete these ids in the test stack's.
 */
describe('npm run schedules', () => {
  const stack = testStackForFile();
  const namespace = `schedules-${randomUUID().slice(0, 8)}`;
  const taskQueue = `schedules-${randomUUID()}`;
  let client: Client;

  beforeAll(async () => {
    await cli.build();
    const connection = stack.temporal.connection as Connection; // the stack's client is on a full Connection
    await ensureNamespaceAndSearchAttributes(connection, namespace);
    // The codec: a schedule's action arguments are payloads, encrypted like every other.
    client = temporalClientOn(connection, { ...stack.config, TEMPORAL_NAMESPACE: namespace });
  }, 240_000);
  afterAll(async () => {
    for (const id of SCHEDULE_IDS) await client?.schedule.getHandle(id).delete().catch(() => undefined);
  });

  const env = (more: Record<string, string> = {}) => ({
    ...temporalConnectionEnv(stack.config),
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MERCHANT_ID: 'acme',
    ...more,
  });

  it('creates every schedule the app runs, on the configured task queue, then brings them up to date on the next deploy', async () => {
    const first = await cli.runWith(env({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '120' }));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim().split('\n')).toEqual([
      'schedule product-sync-nightly:acme created (nightly product sync, 02:00 UTC)',
      'schedule audit-seal-nightly created (nightly audit seal, 00:30 UTC)',
      'schedule audit-checkpoint created (audit head checkpoint, every 120 s)',
    ]);
    const described = await Promise.all(SCHEDULE_IDS.map((id) => client.schedule.getHandle(id).describe()));
    expect(described.map((d) => d.action)).toEqual([
      expect.objectContaining({ workflowType: 'productSyncWorkflow', taskQueue, args: [{ kind: 'nightly', merchant: 'acme' }] }),
      expect.objectContaining({ workflowType: 'auditSealWorkflow', taskQueue }),
      expect.objectContaining({ workflowType: 'auditCheckpointWorkflow', taskQueue }),
    ]);
    expect(described[2].spec.intervals?.map((i) => i.every)).toEqual([120_000]);

    // Ops paused the seal by hand: the next deploy brings its settings up to date and leaves it paused.
    await client.schedule.getHandle('audit-seal-nightly').pause('test: paused by ops');
    const again = await cli.runWith(env({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '600' }));
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('schedule audit-checkpoint updated (audit head checkpoint, every 600 s)');
    expect(again.stdout.match(/ updated /g)).toHaveLength(3);
    expect((await client.schedule.getHandle('audit-checkpoint').describe()).spec.intervals?.map((i) => i.every)).toEqual([600_000]);
    expect((await client.schedule.getHandle('audit-seal-nightly').describe()).state.paused).toBe(true);
  }, 60_000);

  it('refuses a production start without its keys, naming them, and creates nothing (fail closed)', async () => {
    const refused = await cli.runWith(env({ APP_ENV: 'production', MERCHANT_ID: 'refused', TEMPORAL_CODEC_KEY: '' }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('TEMPORAL_CODEC_KEY');
    await expect(client.schedule.getHandle('product-sync-nightly:refused').describe()).rejects.toThrow();
  }, 60_000);

  it('answers a usage error (2) to an argument it does not take', async () => {
    const wrong = await cli.runWith(env(), '--now');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('usage: npm run schedules');
  }, 60_000);
});
