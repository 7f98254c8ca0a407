import { BATCH_LINE_LIMIT, BATCH_SALE_LIMIT } from '../../workflows/checkout-batch.contract';
import { CHECKOUT_LINE_LIMIT } from '../checkouts/dto/create-checkout.dto';

/**
 * How large a JSON body each route reads; beyond it the answer is 413 before anything is parsed.
 * Routes that carry lists are sized from their most items; every other route takes the default.
 */

const KB = 1024;
const MB = 1024 * KB;

/** Every route not listed below: a store, a validation code, an ops action. */
export const DEFAULT_JSON_BODY_BYTES = 256 * KB;
/**
 * A checkout line with the longest SKU (100) and description (200) the API takes: about 400 bytes of
 * ASCII JSON (LINE_BYTES, with room), but a serializer that escapes every non-ASCII character (.NET's
 * System.Text.Json does by default, and POS back-offices are often .NET) writes each as \uXXXX, six
 * bytes: 300 × 6 + the amounts ≈ 1.9 KB (ESCAPED_LINE_BYTES). One sale cannot be split, so a checkout
 * is sized for that worst case: no checkout the validation accepts is refused 413. A batch is sized
 * for the usual line and can be split (the 413 says so).
 */
const LINE_BYTES = 512;
const ESCAPED_LINE_BYTES = 2 * KB;
/**
 * A sale's own fields: customer, spend, points with an enrolment, 20 coupons, the post-tender people:
 * about 18 KB at their longest with every character escaped, so 24 KB.
 */
const SALE_BYTES = 24 * KB;
/** A batch sale's own fields as they usually are (a batch can be split, so it is sized for the usual). */
const BATCH_SALE_BYTES = 8 * KB;
/** A return line: a SKU of up to 100 characters (600 bytes escaped), a quantity and an amount. */
const ESCAPED_RETURN_LINE_BYTES = 768;
/** A return has at most 1,000 lines (ReturnCheckoutDto). */
const RETURN_LINE_LIMIT = 1000;
/**
 * The codec endpoint (the Temporal UI's and CLI's decode and encode): payloads of up to Temporal's
 * 2 MB blob limit, base64 in JSON (× 4/3), several a call: a checkout's history must stay readable.
 */
const CODEC_BYTES = 16 * MB;
/** MAX_PRODUCTS_PER_SYNC (100,000) products of about 160 bytes each, a code and a short description: the only route this large. */
const PRODUCT_SYNC_BYTES = 16 * MB;

interface RouteLimit {
  method: string;
  /** The route, or a pattern matching both a request's path and OpenAPI's template (`{id}`). */
  path: string | RegExp;
  bytes: number;
}

const ROUTE_LIMITS: readonly RouteLimit[] = [
  { method: 'POST', path: '/v1/checkouts', bytes: CHECKOUT_LINE_LIMIT * ESCAPED_LINE_BYTES + SALE_BYTES },
  { method: 'POST', path: '/v1/checkouts/batch', bytes: BATCH_LINE_LIMIT * LINE_BYTES + BATCH_SALE_LIMIT * BATCH_SALE_BYTES },
  { method: 'POST', path: '/v1/products/sync', bytes: PRODUCT_SYNC_BYTES },
  { method: 'POST', path: /^\/v1\/checkouts\/[^/]+\/returns$/, bytes: RETURN_LINE_LIMIT * ESCAPED_RETURN_LINE_BYTES + 8 * KB },
  { method: 'POST', path: '/v1/codec/decode', bytes: CODEC_BYTES },
  { method: 'POST', path: '/v1/codec/encode', bytes: CODEC_BYTES },
];

export interface JsonBodyLimit {
  bytes: number;
  /** For people: "256 KB", "8.8 MB". */
  label: string;
}

/**
 * The limit of a request's route. Express routes case-insensitively and ignores a trailing slash,
 * so the path is compared the same way: `/V1/Checkouts/` is POST /v1/checkouts and gets its limit.
 */
export function jsonBodyLimitOf(method: string, path: string): JsonBodyLimit {
  const route = path.toLowerCase().replace(/\/+$/, '');
  const matches = (r: RouteLimit) => (typeof r.path === 'string' ? r.path === route : r.path.test(route));
  const bytes = ROUTE_LIMITS.find((r) => r.method === method.toUpperCase() && matches(r))?.bytes ?? DEFAULT_JSON_BODY_BYTES;
  return { bytes, label: bytes < MB ? `${Math.round(bytes / KB)} KB` : `${Number((bytes / MB).toFixed(1))} MB` };
}
