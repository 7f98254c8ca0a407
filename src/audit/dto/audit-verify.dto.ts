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
  @ApiProperty({
    enum: [
      'row_hash_mismatch', 'prev_hash_mismatch', 'legacy_after_keyed', 'unknown_key_id', 'seal_heads_mismatch', 'seal_hash_mismatch', 'seal_chain_break',
      'external_heads_mismatch', 'external_seal_mismatch', 'external_seal_missing', 'seal_missing', 'external_seal_conflict',
      'checkpoint_head_missing', 'checkpoint_head_mismatch',
    ],
    description:
      'unknown_key_id: hashed with a key id not configured (actual names it); legacy_after_keyed: an unkeyed row after a keyed one; ' +
      'external_*: the seal written outside Postgres (AUDIT_SEAL_DIR) disagrees with audit_seals, or its recorded heads with the rows now, ' +
      'or a keyed seal has no line there; seal_missing: a line outside names a seal audit_seals does not have; ' +
      'checkpoint_head_*: a checkout\'s newest row recorded outside Postgres by a head checkpoint is gone, or has another hash now',
  })
  reason: string;
  @ApiPropertyOptional({ description: 'What the break means, in words (on the reasons added with keys and external seals)' }) detail?: string;
}

export class AuditVerifyResultDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() checkedRows: number;
  @ApiProperty() checkedCheckouts: number;
  @ApiProperty() checkedSeals: number;
  @ApiProperty({ type: AuditBreakDto, nullable: true }) firstBreak: AuditBreakDto | null;
  @ApiProperty({ description: 'Rows of the checked chains with no key id (written before keyed chains): plain SHA-256, not proof against a database superuser' })
  legacyRows: number;
  @ApiProperty({ description: 'Seals checked with no key id (written before keyed seals): plain SHA-256, never written outside Postgres' })
  legacySeals: number;
  @ApiProperty({ description: 'Seal lines of the range read from the store outside Postgres (AUDIT_SEAL_DIR), each checked' })
  checkedExternalSeals: number;
  @ApiProperty({ description: 'Lines there that could not be read (a write torn by a crash); not a break by themselves' })
  unreadableExternalSealLines: number;
  @ApiProperty({
    description:
      'Heads (a checkout\'s newest row) recorded outside Postgres by the head checkpoints taken from the start of the range to a day after its end, each looked up: ' +
      'the same-day check a superuser cannot forge before the nightly seal',
  })
  checkedCheckpointHeads: number;
  @ApiProperty({ description: 'Checkpoint lines that could not be read (a write torn by a crash); not a break by themselves' })
  unreadableCheckpointLines: number;
}
