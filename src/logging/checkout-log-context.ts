import { checkoutWorkflowId } from '../../workflows/checkout.contract';
import { checkoutIdOf } from '../../core/logging/log-redaction';

const SAFE = /^[A-Za-z0-9_.:-]{1,200}$/;

interface RequestLike {
  params?: Record<string, string | undefined>;
  /** Set by the API key guard: the merchant of the request is the key's. */
  principal?: { merchant: string };
  body?: unknown;
  originalUrl?: string;
  url?: string;
}

/**
 * The checkout (and workflow) a request is about, for its log lines: the `:id` of /v1/checkouts/{id}
 * and /v1/ops/sagas/{id}, or, for POST /v1/checkouts, the id the body's store, till and POS reference
 * make. Read before validation, so only well-formed values are used.
 */
export function checkoutLogFields(req: RequestLike, defaultMerchant: string): { checkoutId?: string; workflowId?: string } {
  const merchant = req.principal?.merchant ?? defaultMerchant;
  const id = req.params?.id;
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  if (id && SAFE.test(id) && (path.startsWith('/v1/checkouts/') || path.startsWith('/v1/ops/sagas/'))) {
    return { checkoutId: checkoutIdOf(id) ?? id, workflowId: id };
  }
  const body = req.body as { store?: unknown; till?: unknown; posReference?: unknown } | undefined;
  if (path === '/v1/checkouts' && body && [body.store, body.till, body.posReference].every((v) => typeof v === 'string' && SAFE.test(v))) {
    const workflowId = checkoutWorkflowId({ merchant, store: body.store as string, till: body.till as string, posReference: body.posReference as string });
    return { checkoutId: workflowId, workflowId };
  }
  return {};
}
