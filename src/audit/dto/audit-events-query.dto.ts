import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { OptionalText, PageLimit } from '../../common/dto-fields';

export const MAX_AUDIT_PAGE = 1000;
export const DEFAULT_AUDIT_PAGE = 100;
export const AUDIT_KINDS = ['vendor_call', 'transition'] as const;

/** Filters of GET /v1/audit/events; all optional, combined with AND, within the caller's merchant. */
export class AuditEventsQueryDto {
  @OptionalText([1, 300], { example: 'checkout:demo:S1:T1:REF0001', description: 'One checkout (its workflow id); its void rows included' })
  checkout?: string;

  @ApiPropertyOptional({ example: '2026-11-21T00:00:00+02:00', description: 'Rows recorded at or after this ISO 8601 instant (with offset)' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-22T00:00:00+02:00', description: 'Rows recorded before this ISO 8601 instant (exclusive)' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsOptional()
  to?: string;

  @OptionalText([1, 100], { example: 'S1' })
  store?: string;

  @OptionalText([1, 100], { example: 'T1' })
  till?: string;

  @OptionalText([1, 50], { example: 'crmcom', description: 'crmcom, capillary, coupontools or cmc (vendor-call rows only)' })
  vendor?: string;

  @OptionalText([1, 50], { example: 'success', description: 'A vendor call: success, rejected, failed or unknown (an effect not sent again, its outcome unknown); a transition: the state entered (completed, compensated…)' })
  outcome?: string;

  @ApiPropertyOptional({ enum: AUDIT_KINDS })
  @IsIn(AUDIT_KINDS)
  @IsOptional()
  kind?: (typeof AUDIT_KINDS)[number];

  @PageLimit({ default: DEFAULT_AUDIT_PAGE, maximum: MAX_AUDIT_PAGE })
  limit?: number;

  @OptionalText([1, 200], { description: 'The nextCursor of the previous page (same filters)' })
  cursor?: string;
}
