import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { BATCH_SALE_LIMIT } from '../../../workflows/checkout-batch.contract';
import { CreateCheckoutDto, KEY_TOKEN, KEY_TOKEN_MESSAGE } from '../../checkouts/dto/create-checkout.dto';

/** class-validator runs decorators bottom-up and we keep the first failure: the size check runs before the sales'. */
export class CreateCheckoutBatchDto {
  @ApiPropertyOptional({
    example: 'S1-2026-11-21',
    description: "The back office's own id for the upload; without it the batch id is derived from the sales. Either way uploading the same batch again answers the same batch id and starts nothing",
  })
  @Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE })
  @Length(1, 64)
  @IsString()
  @IsOptional()
  batchReference?: string;

  @ApiProperty({
    type: [CreateCheckoutDto],
    description: `1 to ${BATCH_SALE_LIMIT} completed sales, each validated exactly like POST /v1/checkouts and run as a one-shot checkout ("complete" must be true or absent)`,
  })
  @Type(() => CreateCheckoutDto)
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: 'each sale must be an object' })
  @ArrayMaxSize(BATCH_SALE_LIMIT)
  @ArrayMinSize(1)
  @IsArray()
  @IsDefined({ message: 'is required' })
  sales: CreateCheckoutDto[];
}
