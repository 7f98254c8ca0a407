import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** GET /v1/audit/verify: the days to check, both inclusive (the store's days with `store`, else UTC days), optionally one store. */
export class AuditVerifyQueryDto {
  @ApiProperty({ example: '2026-11-21', description: "First day (YYYY-MM-DD), inclusive: the store's calendar day in its time zone with `store`, else a UTC day" })
  @Matches(DAY, { message: 'must be a day as YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2026-11-21', description: 'Last day (YYYY-MM-DD), inclusive, as `from`; at most 92 days after from' })
  @Matches(DAY, { message: 'must be a day as YYYY-MM-DD' })
  to: string;

  @ApiPropertyOptional({ example: 'S1', description: 'Only this store' })
  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'must be a store id' })
  @IsOptional()
  store?: string;
}

export class AuditBreakDto {
  @ApiProperty({ description: 'The checkout whose chain breaks (or the store seal: `seal:<store>`)' }) checkoutId: string;
  @ApiProperty({ nullable: true, description: 'audit_events.id of the first row that does not verify (null for a seal)' }) eventId: string | null;
  @ApiProperty({ description: 'When the row was recorded, or the sealed day' }) recordedAt: string;
  @ApiProperty() expected: string;
  @ApiProperty() actual: string;
  @ApiProperty({ enum: ['row_hash_mismatch', 'prev_hash_mismatch', 'seal_heads_mismatch', 'seal_hash_mismatch', 'seal_chain_break'] })
  reason: string;
}

export class AuditVerifyResultDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() checkedRows: number;
  @ApiProperty() checkedCheckouts: number;
  @ApiProperty() checkedSeals: number;
  @ApiProperty({ type: AuditBreakDto, nullable: true }) firstBreak: AuditBreakDto | null;
}
