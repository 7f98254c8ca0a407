import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { invalidFields, ProblemException } from '../common/problem';
import { OpsAudit } from '../ops/ops-audit';
import { CallbackOutboxRepository, type CallbackEventRow } from '../../core/callbacks/callback-outbox.repository';
import type { ListCallbacksQueryDto } from './dto/callback-events.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The newest events a list answers; ops filter by state to find the ones that need them. */
const LIST_LIMIT = 200;

/** The ops view of the callback outbox: what is waiting, delivered or failed, and redelivery (audited). */
@Injectable()
export class CallbackEventsService {
  constructor(
    @Inject(CallbackOutboxRepository) private readonly outbox: CallbackOutboxRepository,
    @Inject(OpsAudit) private readonly audit: OpsAudit,
  ) {}

  async list(query: ListCallbacksQueryDto, caller: Principal): Promise<{ callbacks: CallbackEventRow[] }> {
    const rows = await this.outbox.list(caller.merchant, caller.store, query.state ?? null, LIST_LIMIT);
    return { callbacks: rows.filter((r) => caller.till === null || r.till === caller.till) };
  }

  /** Queues the event again with fresh attempts; the receiver sees the same event id (and dedups it). */
  async redeliver(eventId: string, caller: Principal): Promise<CallbackEventRow> {
    if (!UUID.test(eventId)) throw invalidFields([{ field: 'eventId', message: 'must be a UUID' }]);
    const event = await this.outbox.find(caller.merchant, caller.store, eventId);
    if (!event || (caller.till !== null && event.till !== caller.till)) {
      throw new ProblemException({ type: '/problems/not-found', title: 'No such callback event', status: 404, detail: `callback event ${eventId} does not exist` });
    }
    const queued = await this.outbox.redeliver(eventId);
    await this.audit.record(`key:${caller.keyId}`, {
      checkoutId: event.checkoutId, runId: null, merchant: caller.merchant, store: event.store, till: event.till,
      operation: 'callback_redeliver', outcome: queued ? 'requested' : 'refused', detail: JSON.stringify({ eventId }),
    });
    if (!queued) {
      throw new ProblemException({ type: '/problems/callback-pending', title: 'The event is already waiting for delivery', status: 409, detail: `callback event ${eventId} is pending` });
    }
    return (await this.outbox.find(caller.merchant, caller.store, eventId)) as CallbackEventRow;
  }
}
