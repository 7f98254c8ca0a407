import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { Text } from '../../common/dto-fields';

export const REPORT_FORMATS = ['json', 'csv'] as const;

export class ReconciliationQueryDto {
  @ApiProperty({ example: '2026-11-21', description: 'A calendar day in the store\'s time zone (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a calendar date YYYY-MM-DD' })
  @IsDefined({ message: 'is required' })
  date: string;

  @Text([1, 100], { example: 'S1' })
  store: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsIn(REPORT_FORMATS)
  @IsOptional()
  format?: (typeof REPORT_FORMATS)[number];
}
