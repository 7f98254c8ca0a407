import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { CHECKOUT_STATES, type CheckoutState } from '../../../workflows/checkout.contract';
import { PageLimit } from '../../common/dto-fields';
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

  @PageLimit({ default: 50, maximum: MAX_SAGAS_PAGE })
  limit?: number;
}
