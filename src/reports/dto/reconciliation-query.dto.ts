import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export const REPORT_FORMATS = ['json', 'csv'] as const;

export class ReconciliationQueryDto {
  @ApiProperty({ example: '2026-11-21', description: 'A calendar day in the store\'s time zone (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a calendar date YYYY-MM-DD' })
  @IsDefined({ message: 'is required' })
  date: string;

  @ApiProperty({ example: 'S1' })
  @Length(1, 100)
  @IsString()
  @IsDefined({ message: 'is required' })
  store: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsIn(REPORT_FORMATS)
  @IsOptional()
  format?: (typeof REPORT_FORMATS)[number];
}
