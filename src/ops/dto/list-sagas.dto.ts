import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CHECKOUT_STATES, type CheckoutState } from '../../../workflows/checkout.contract';
import { KNOWN_VENDORS, SAFE_ID } from '../saga-list-query';

export const MAX_SAGAS_PAGE = 200;

/** Filters of GET /v1/ops/sagas; every value is checked before it goes near a visibility query. */
export class ListSagasQueryDto {
  @ApiPropertyOptional({ enum: CHECKOUT_STATES, example: 'compensation_failed' })
  @IsIn(CHECKOUT_STATES, { message: `must be one of ${CHECKOUT_STATES.join(', ')}` })
  @IsOptional()
  state?: CheckoutState;

  @ApiPropertyOptional({ example: 'S1' })
  @Matches(SAFE_ID, { message: 'must be 1 to 40 letters, digits, dot, dash or underscore' })
  @IsString()
  @IsOptional()
  store?: string;

  @ApiPropertyOptional({ example: 'T1' })
  @Matches(SAFE_ID, { message: 'must be 1 to 40 letters, digits, dot, dash or underscore' })
  @IsString()
  @IsOptional()
  till?: string;

  @ApiPropertyOptional({ enum: KNOWN_VENDORS })
  @IsIn(KNOWN_VENDORS, { message: `must be one of ${KNOWN_VENDORS.join(', ')}` })
  @IsOptional()
  vendor?: (typeof KNOWN_VENDORS)[number];

  @ApiPropertyOptional({ default: 50, maximum: MAX_SAGAS_PAGE })
  @Max(MAX_SAGAS_PAGE)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;
}
