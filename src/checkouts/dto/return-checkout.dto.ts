import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AMOUNT, AMOUNT_MESSAGE, KEY_TOKEN, KEY_TOKEN_MESSAGE } from './create-checkout.dto';

export class ReturnLineDto {
  @ApiProperty({ example: 'Soft Drinks', description: 'SKU of a line of the original sale' })
  @Length(1, 100)
  @IsString()
  @IsDefined({ message: 'is required' })
  sku: string;

  @ApiProperty({ example: 1, description: 'Units returned: at most those sold minus those already returned' })
  @IsNumber({ maxDecimalPlaces: 3 }, { message: 'must have at most 3 decimal places' })
  @Max(100_000)
  @Min(0.001)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsDefined({ message: 'is required' })
  quantity: number;

  @ApiProperty({ example: '10.00', description: "The returned units' value, as on the sale's line" })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsDefined({ message: 'is required' })
  totalAmount: string;
}

/** POST /v1/checkouts/{id}/returns: some lines, or an amount, of a completed checkout (never both). */
export class ReturnCheckoutDto {
  @ApiProperty({ example: 'RET0001', description: "The POS's reference of this return: its idempotency key within the checkout" })
  @Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE })
  @Length(1, 64)
  @IsString()
  @IsDefined({ message: 'is required' })
  returnReference: string;

  @ApiPropertyOptional({ type: [ReturnLineDto], description: 'Lines of the sale returned; or `amount`' })
  @Type(() => ReturnLineDto)
  @ValidateNested({ each: true })
  @ArrayMaxSize(1000)
  @ArrayMinSize(1)
  @IsArray()
  @IsOptional()
  lines?: ReturnLineDto[];

  @ApiPropertyOptional({ example: '15.00', description: "An amount of the sale's total returned; or `lines`" })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsOptional()
  amount?: string;
}
