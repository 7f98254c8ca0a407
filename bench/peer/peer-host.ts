import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { TemporalConnectionOptions } from '../../core/temporal/temporal-connection';
import type { VendorRegistry } from '../../activities/vendors/vendor-registry';
import type { CheckoutInput } from '../../workflows/checkout.contract';
import { createPeerActivities } from './peer-checkout.activities';
import { peerCheckoutWorkflow } from './peer-checkout.workflow';

export interface PeerHost {
  /** Starts the peer's workflow for one checkout and waits for its result (client.workflow.execute). */
  checkout(input: CheckoutInput): Promise<{ amountDueMinor: number }>;
  stop(): Promise<void>;
}

/**
 * The peer's worker (its own task queue, its own workflow bundle) and client, hosted in the
 * baseline's process: the bench measures that process as "baseline/peer".
 */
export async function startPeerHost(opts: { connection: TemporalConnectionOptions; namespace: string; taskQueue: string; vendors: VendorRegistry }): Promise<PeerHost> {
  // The saga's connection options (TLS, API key): on an external server the peer runs where the saga does.
  const workerConnection = await NativeConnection.connect(opts.connection);
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath: require.resolve('./peer-workflows'),
    activities: createPeerActivities(opts.vendors),
  });
  const running = worker.run();
  const connection = await Connection.connect(opts.connection);
  const client = new Client({ connection, namespace: opts.namespace });
  return {
    checkout: (input) =>
      client.workflow.execute(peerCheckoutWorkflow, { taskQueue: opts.taskQueue, workflowId: `peer:${input.checkoutId}`, args: [input] }),
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await workerConnection.close();
    },
  };
}
