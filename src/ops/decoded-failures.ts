import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type Failure = temporal.api.failure.v1.IFailure;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;

/**
 * Failure messages and stack traces are stored through the payload codec (the failure converter's
 * `encodeCommonAttributes`): the history says "Encoded failure". This puts each failure's own message
 * back (in place), through `codecs`, so ops read what the step said. A failure that cannot be
 * decoded (an unknown key id) keeps the placeholder rather than failing the whole view.
 */
export async function decodeFailureMessages(events: HistoryEvent[], pending: PendingActivity[], codecs: readonly PayloadCodec[]): Promise<void> {
  const failures: Array<Failure | null | undefined> = [];
  for (const e of events) {
    failures.push(
      e.activityTaskFailedEventAttributes?.failure,
      e.activityTaskTimedOutEventAttributes?.failure,
      e.activityTaskStartedEventAttributes?.lastFailure,
      e.markerRecordedEventAttributes?.failure,
      e.workflowExecutionFailedEventAttributes?.failure,
      e.workflowTaskFailedEventAttributes?.failure,
    );
  }
  for (const p of pending) failures.push(p.lastFailure);
  for (const failure of failures) await decodeChain(failure, codecs);
}

async function decodeChain(failure: Failure | null | undefined, codecs: readonly PayloadCodec[]): Promise<void> {
  for (let f = failure; f; f = f.cause) {
    if (!f.encodedAttributes) continue;
    try {
      let payloads = [f.encodedAttributes];
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      const attributes = defaultPayloadConverter.fromPayload<{ message?: unknown; stack_trace?: unknown }>(payloads[0]);
      if (typeof attributes?.message === 'string') f.message = attributes.message;
      if (typeof attributes?.stack_trace === 'string') f.stackTrace = attributes.stack_trace;
    } catch {
      // Left as the server holds it.
    }
  }
}
