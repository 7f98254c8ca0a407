import { eventually, type PollOptions } from './eventually';
import type { TestStack } from './test-stack';

/** The checkout's view once it is in `state`; asserted, so a timeout shows the view it was left in. */
export async function checkoutViewIn(stack: Pick<TestStack, 'api'>, checkoutId: string, state: string, poll: PollOptions = {}) {
  const res = await eventually(() => stack.api().get(`/v1/checkouts/${checkoutId}`).expect(200), (r) => r.body.state === state, poll);
  expect(res.body).toMatchObject({ checkoutId, state });
  return res.body;
}
