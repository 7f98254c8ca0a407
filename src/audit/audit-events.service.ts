import { Injectable } from '@nestjs/common';
import { storeInScope, type Principal } from '../access/principal';
import { invalidFields } from '../common/problem';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { AuditEventsRepository, type AuditEventRow } from '../../core/audit/audit-events.repository';
import { DEFAULT_AUDIT_PAGE, type AuditEventsQueryDto } from './dto/audit-events-query.dto';

export interface AuditEventsPage {
  events: AuditEventRow[];
  /** Pass as `cursor` (with the same filters) for the next page; null on the last page. */
  nextCursor: string | null;
}

@Injectable()
export class AuditEventsService {
  constructor(
    private readonly events: AuditEventsRepository
  ) {}

  async list(query: AuditEventsQueryDto, caller: Principal): Promise<AuditEventsPage> {
    const store = storeInScope(caller, query.store);
    const till = caller.till ?? query.till;
    if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) {
      throw invalidFields([{ field: 'to', message: 'must be after from' }]);
    }
    const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
    // One row more than asked tells whether another page exists without a count query.
    const rows = await this.events.findPage({
      ...query,
      merchant: caller.merchant,
      ...(store !== undefined && { store }),
      ...(till !== undefined && { till }),
      afterId: query.cursor ? decodeAuditCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const events = rows.slice(0, limit);
    const last = events.at(-1);
    return { events, nextCursor: rows.length > limit && last ? encodeAuditCursor(last.id) : null };
  }
}
