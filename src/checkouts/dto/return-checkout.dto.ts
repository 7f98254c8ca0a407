import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { KeyToken, MoneyAmount, OptionalMoneyAmount, Quantity, Text } from '../../common/dto-fields';

export class ReturnLineDto {
  @Text([1, 100], { example: 'Soft Drinks', description: 'SKU of a line of the original sale' })
  sku: string;

  @Quantity({ example: 1, description: 'Units returned: at most those sold minus those already returned' })
  quantity: number;

  @MoneyAmount({ example: '10.00', description: "The returned units' value, as on the sale's line" })
  totalAmount: string;
}

/** POST /v1/checkouts/{id}/returns: some lines, or an amount, of a completed checkout (never both). */
export class ReturnCheckoutDto {
  @KeyToken(64, { example: 'RET0001', description: "The POS's reference of this return: its idempotency key within the checkout" })
  returnReference: string;

  @ApiPropertyOptional({ type: [ReturnLineDto], description: 'Lines of the sale returned; or `amount`' })
  @Type(() => ReturnLineDto)
  @ValidateNested({ each: true })
  // ValidateNested validates the items of an item that is itself a list: [[{…}]] passed (fuzz suite).
  @IsObject({ each: true, message: 'each line must be an object' })
  @ArrayMaxSize(1000)
  @ArrayMinSize(1)
  @IsArray()
  @IsOptional()
  lines?: ReturnLineDto[];

  @OptionalMoneyAmount({ example: '15.00', description: "An amount of the sale's total returned; or `lines`" })
  amount?: string;
}
