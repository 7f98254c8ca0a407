import { Client, Connection } from '@temporalio/client';
import { TaskQueueWatch } from '../../src/admission/task-queue-watch';

// Temporal unreachable: the client retries DescribeTaskQueue (UNAVAILABLE) from timers of its own. A
// connection closed while one is pending made the retry throw "Channel has been shut down" where nothing
// catches it: Jest failed whichever test file ran next (CI, stop 29). stop() must outlast the retries.
describe('TaskQueueWatch against an unreachable Temporal', () => {
  const MAX_GRPC_BACKOFF_MS = 5_000;

  it('stop() waits for the read and its retries to end, so the connection closes with no retry pending', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:9' });
    const errors: unknown[] = [];
    const watch = new TaskQueueWatch(new Client({ connection }), { namespace: 'default', taskQueue: 'q', intervalMs: 60_000 }, (err) => errors.push(err));
    watch.start();
    // Into the retries' backoff: the first attempts fail at once on a refused port.
    await new Promise((r) => setTimeout(r, 400));
    const stopping = Date.now();
    await watch.stop();
    // The read's deadline (4 s) and at most one backoff after it.
    expect(Date.now() - stopping).toBeLessThan(4_000 + MAX_GRPC_BACKOFF_MS);
    expect(errors).toHaveLength(1);
    expect(watch.latest()).toBeUndefined();
    await connection.close();
    // A retry still pending would fire into the closed channel within the longest backoff and fail this file.
    await new Promise((r) => setTimeout(r, MAX_GRPC_BACKOFF_MS + 500));
    // Stopped, it starts no read of its own any more (a request still served after stop() asks for one).
    await watch.refresh();
    expect(errors).toHaveLength(1);
  }, 25_000);
});
