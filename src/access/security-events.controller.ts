import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { securityEventsOf } from '../../core/security/security-events';
import { PageLimit } from '../common/dto-fields';
import { Caller, Roles } from './access.decorators';
import { outsideKeyScope, type Principal } from './principal';

export class SecurityEventsQueryDto {
  @ApiPropertyOptional({ example: '0', description: 'Events after this id (the last page\'s `nextAfter`); 0 from the first' })
  @Matches(/^\d{1,18}$/, { message: 'must be an event id (digits)' })
  @IsOptional()
  after?: string;

  @PageLimit({ default: 100, maximum: 500, description: 'Events to answer' })
  limit?: number;
}

/**
 * The merchant's security events (security_events): keys created and revoked, failed authentications
 * with a key id of the merchant, reads of the audit log and the reports. For a merchant-wide ops or
 * finance key: a store- or till-scoped key would see the whole merchant's events (403).
 */
@ApiTags('access')
@Controller('v1/security/events')
export class SecurityEventsController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get()
  @Roles('ops', 'finance')
  @ApiOperation({
    summary: "The merchant's security events, oldest first",
    description:
      'Keys created and revoked (`key_created`, `key_revoked`), failed authentications (`authentication_failed`, counted per key id and ' +
      'source in a window), audit-log and report reads (`audit_read`, `report_read`), codec calls by its keys (`payload_decode`, `payload_encode`). ' +
      'Who is `key:<keyId>` or `cli:<user>`, never a key. ' +
      'Page with `after` = the last page\'s `nextAfter`. A merchant-wide key only.',
  })
  @ApiOkResponse({ description: '`{ events: [...], nextAfter }`' })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid query parameter' })
  async list(@Query() query: SecurityEventsQueryDto, @Caller() caller: Principal) {
    if (caller.store !== null) throw outsideKeyScope([{ field: 'store', message: `security events are the whole merchant's: a merchant-wide key reads them (this key: store ${caller.store})` }]);
    const events = await securityEventsOf(this.dataSource, caller.merchant, query.after ?? '0', query.limit ?? 100);
    return { events, nextAfter: events.length ? events[events.length - 1]!.id : null };
  }
}
