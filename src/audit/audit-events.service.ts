import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { invalidFields } from '../common/problem';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { AuditEventsRepository, type AuditEventRow } from './audit-events.repository';
import { DEFAULT_AUDIT_PAGE, type AuditEventsQueryDto } from './dto/audit-events-query.dto';

export interface AuditEventsPage {
  events: AuditEventRow[];
  /** Pass as `cursor` (with the same filters) for the next page; null on the last page. */
  nextCursor: string | null;
}

@Injectable()
export class AuditEventsService {
  constructor(
    private readonly events: AuditEventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(query: AuditEventsQueryDto): Promise<AuditEventsPage> {
    if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) {
      throw invalidFields([{ field: 'to', message: 'must be after from' }]);
    }
    const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
    // One row more than asked tells whether another page exists without a count query.
    const rows = await this.events.findPage({
      merchant: this.config.MERCHANT_ID,
      ...query,
      afterId: query.cursor ? decodeAuditCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const events = rows.slice(0, limit);
    const last = events.at(-1);
    return { events, nextCursor: rows.length > limit && last ? encodeAuditCursor(last.id) : null };
  }
}
