import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const MAX_AUDIT_PAGE = 1000;
export const DEFAULT_AUDIT_PAGE = 100;
export const AUDIT_KINDS = ['vendor_call', 'transition'] as const;

/** Filters of GET /v1/audit/events; all optional, combined with AND, within the caller's merchant. */
export class AuditEventsQueryDto {
  @ApiPropertyOptional({ example: 'checkout:demo:S1:T1:REF0001', description: 'One checkout (its workflow id); its void rows included' })
  @Length(1, 300)
  @IsString()
  @IsOptional()
  checkout?: string;

  @ApiPropertyOptional({ example: '2026-11-21T00:00:00+02:00', description: 'Rows recorded at or after this ISO 8601 instant (with offset)' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-22T00:00:00+02:00', description: 'Rows recorded before this ISO 8601 instant (exclusive)' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsOptional()
  to?: string;

  @ApiPropertyOptional({ example: 'S1' })
  @Length(1, 100)
  @IsString()
  @IsOptional()
  store?: string;

  @ApiPropertyOptional({ example: 'T1' })
  @Length(1, 100)
  @IsString()
  @IsOptional()
  till?: string;

  @ApiPropertyOptional({ example: 'crmcom', description: 'crmcom, capillary, coupontools or cmc (vendor-call rows only)' })
  @Length(1, 50)
  @IsString()
  @IsOptional()
  vendor?: string;

  @ApiPropertyOptional({ example: 'success', description: 'A vendor call: success, rejected or failed; a transition: the state entered (completed, compensated…)' })
  @Length(1, 50)
  @IsString()
  @IsOptional()
  outcome?: string;

  @ApiPropertyOptional({ enum: AUDIT_KINDS })
  @IsIn(AUDIT_KINDS)
  @IsOptional()
  kind?: (typeof AUDIT_KINDS)[number];

  @ApiPropertyOptional({ default: DEFAULT_AUDIT_PAGE, maximum: MAX_AUDIT_PAGE })
  @Max(MAX_AUDIT_PAGE)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (same filters)' })
  @Length(1, 200)
  @IsString()
  @IsOptional()
  cursor?: string;
}
