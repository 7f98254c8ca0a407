import type { CheckoutView } from '../../workflows/checkout.contract';
import type { checkoutWorkflow } from '../../workflows/checkout.workflow';
import type { TestStack } from './test-stack';

/**
 * Runs `work` with this process's wall clock (`Date`) reading as if it were `instant` when `work`
 * starts, and ticking on from there; restores the real clock afterwards, whatever happens.
 *
 * Everything a test stack runs in the Jest process reads this clock: the in-process worker's
 * activities (so the audit writer's `recorded_at` is the chosen time), the API and the sandbox.
 * Temporal's server and the workflow sandbox keep real time, which nothing under test compares
 * with `recorded_at`. Dates made before the shift stay `instanceof Date` (the constructor is a
 * Proxy of the real one, not a subclass), so pg and TypeORM serialise them as before.
 *
 * Keep the shift within a day and do the vendor calls of a test either all inside or all outside
 * it: vendor tokens cached by one clock and checked by the other could look expired.
 */
export async function withClockAt<T>(instant: Date, work: () => Promise<T>): Promise<T> {
  const RealDate = globalThis.Date;
  const offset = instant.getTime() - RealDate.now();
  const now = () => RealDate.now() + offset;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args: unknown[], newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget) as object,
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver) as unknown),
  });
  try {
    return await work();
  } finally {
    globalThis.Date = RealDate;
  }
}

/**
 * A one-shot sale through the API whose saga runs at `instant` by the Jest process's clock: every
 * audit row it writes (vendor calls, transitions) is recorded then. Resolves once the saga's
 * workflow has closed, so no row is written after the real clock is back.
 */
export async function oneShotSaleAt(stack: TestStack, instant: Date, body: Record<string, unknown>): Promise<CheckoutView> {
  return withClockAt(instant, async () => {
    const created = await stack.api().post('/v1/checkouts').send({ ...body, complete: true }).expect(201);
    return stack.temporal.workflow.getHandle<typeof checkoutWorkflow>(created.body.checkoutId as string).result();
  });
}
