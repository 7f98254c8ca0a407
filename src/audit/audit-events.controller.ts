import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { AuditEventsService } from './audit-events.service';
import { AuditEventsQueryDto } from './dto/audit-events-query.dto';
import { SecurityRead } from '../access/security-read.interceptor';

@ApiTags('finance')
@Controller('v1/audit/events')
export class AuditEventsController {
  constructor(private readonly auditEvents: AuditEventsService) {}

  @Get()
  @Roles('finance')
  @SecurityRead('audit_read')
  @ApiOperation({
    summary: 'The audit trail: one row per vendor call attempt and per saga transition',
    description:
      'Rows of the caller\'s merchant in (recordedAt, id) order, `limit` per page (default 100, at most 1,000); follow `nextCursor` ' +
      'with the same filters until it is null. `recordedAt` is in the store\'s time zone (with its offset); amounts are integer ' +
      'minor units (`amountMinor`) with `currency`; request and response excerpts are redacted.',
  })
  @ApiOkResponse({ description: '`{ events: [...], nextCursor }`' })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid query parameter' })
  list(@Query() query: AuditEventsQueryDto, @Caller() caller: Principal) {
    return this.auditEvents.list(query, caller);
  }
}
