import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go through the payload codec too (`encodeCommonAttributes`):
 * the Temporal server then stores `Encoded failure` and an encrypted payload instead of a vendor's
 * text. Loaded by path (`failureConverterPath`) so the workflow bundle, the worker and every client
 * use this one; a reader with the codec sees the message and stack as before.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

