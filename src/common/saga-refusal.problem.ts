import type { SagaRefusal } from '../../core/checkouts/saga-refusal';
import type { ProblemDetails } from './problem';

/** The one problem+json mapping of a saga's refusal (checkout phases, void, returns). */
export function sagaRefusalProblem(refusal: SagaRefusal): ProblemDetails {
  const { action, checkoutId, detail } = refusal;
  switch (refusal.kind) {
    case 'not-found':
      return { type: '/problems/not-found', title: 'No such checkout', status: 404, detail };
    case 'phase-conflict':
      return { type: '/problems/checkout-phase-conflict', title: `The checkout's ${action} was already made with other values`, status: 409, detail, checkoutId };
    case 'busy':
      return { ...invalidState(action, `${detail}; retry shortly`, checkoutId), retryAfterSeconds: 1 };
    case 'invalid-state':
      return invalidState(action, detail, checkoutId);
    case 'return-refused':
      return {
        type: '/problems/return-refused',
        title: 'The return does not fit what is left of the sale',
        status: 422,
        detail,
        errors: refusal.errors,
        checkoutId,
      };
    case 'return-conflict':
      return { type: '/problems/idempotency-conflict', title: 'This return reference was already used for another return', status: 409, detail, checkoutId };
  }
}

function invalidState(action: string, detail: string, checkoutId: string): ProblemDetails {
  const title = action === 'return' ? 'The checkout cannot be returned' : `The checkout cannot ${action} now`;
  return { type: '/problems/invalid-checkout-state', title, status: 409, detail, checkoutId };
}
