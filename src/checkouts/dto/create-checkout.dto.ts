import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsDefined,
  IsIn,
  IsISO4217CurrencyCode,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  Max,
  ValidateNested,
} from 'class-validator';
import { CUSTOMER_IDENTIFIER_TYPES, type CustomerIdentifierType } from '../../../workflows/checkout.contract';

/**
 * class-validator runs a property's decorators bottom-up and we keep the first failure per field,
 * so the most basic check (present, right type) sits lowest.
 */

/** Store, till and POS reference end up in the workflow id, so they are plain tokens without ':'. */
const KEY_TOKEN = /^[A-Za-z0-9_.-]+$/;
const KEY_TOKEN_MESSAGE = 'must contain only letters, digits, "_", "-" and "."';
/** Decimal string in the checkout currency; the currency's own precision is checked when converting. */
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
const AMOUNT_MESSAGE = 'must be a non-negative decimal string such as "10.00"';
/** An instant with its zone: a till's local time without an offset is ambiguous. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export class CustomerIdentifierDto {
  @ApiProperty({ enum: CUSTOMER_IDENTIFIER_TYPES, example: 'code' })
  @IsIn(CUSTOMER_IDENTIFIER_TYPES)
  @IsDefined({ message: 'is required' })
  type: CustomerIdentifierType;

  @ApiProperty({ example: '22265577', description: 'Card, access token, phone, e-mail or account number' })
  @Length(1, 128)
  @IsString()
  @IsDefined({ message: 'is required' })
  value: string;
}

export class CustomerDto {
  @ApiProperty({ enum: ['crmcom'], example: 'crmcom' })
  @IsIn(['crmcom'])
  @IsDefined({ message: 'is required' })
  provider: 'crmcom';

  @ApiProperty({ type: CustomerIdentifierDto })
  @Type(() => CustomerIdentifierDto)
  @ValidateNested()
  @IsObject()
  @IsDefined({ message: 'is required' })
  identifier: CustomerIdentifierDto;
}

export class CheckoutLineDto {
  @ApiProperty({ example: 'Soft Drinks', description: 'Product code as the loyalty vendor knows it' })
  @Length(1, 100)
  @IsString()
  @IsDefined({ message: 'is required' })
  sku: string;

  @ApiPropertyOptional({ example: 'Cola 330ml' })
  @Length(0, 200)
  @IsString()
  @IsOptional()
  description?: string;

  @ApiProperty({ example: 1 })
  @Max(100_000)
  @IsPositive()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @IsDefined({ message: 'is required' })
  quantity: number;

  @ApiProperty({ example: '10.00' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsDefined({ message: 'is required' })
  totalAmount: string;

  @ApiProperty({ example: '8.00' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsDefined({ message: 'is required' })
  netAmount: string;

  @ApiProperty({ example: '2.00' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsDefined({ message: 'is required' })
  vatAmount: string;
}

export class CreateCheckoutDto {
  @ApiProperty({ example: 'S1' })
  @Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE })
  @Length(1, 40)
  @IsString()
  @IsDefined({ message: 'is required' })
  store: string;

  @ApiProperty({ example: 'T1' })
  @Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE })
  @Length(1, 40)
  @IsString()
  @IsDefined({ message: 'is required' })
  till: string;

  @ApiProperty({ example: 'REF0001', description: "The POS's own reference: the checkout's idempotency key within the till" })
  @Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE })
  @Length(1, 64)
  @IsString()
  @IsDefined({ message: 'is required' })
  posReference: string;

  @ApiProperty({ example: '2026-11-21T10:00:00Z' })
  @Matches(INSTANT, { message: 'must be an ISO 8601 date-time with a zone, such as "2026-11-21T10:00:00Z"' })
  @IsString()
  @IsDefined({ message: 'is required' })
  performedOn: string;

  @ApiProperty({ example: 'EUR' })
  @IsISO4217CurrencyCode()
  @IsDefined({ message: 'is required' })
  currency: string;

  @ApiProperty({ type: CustomerDto })
  @Type(() => CustomerDto)
  @ValidateNested()
  @IsObject()
  @IsDefined({ message: 'is required' })
  customer: CustomerDto;

  @ApiProperty({ type: [CheckoutLineDto] })
  @Type(() => CheckoutLineDto)
  @ValidateNested({ each: true })
  @ArrayMaxSize(500)
  @ArrayMinSize(1)
  @IsArray()
  @IsDefined({ message: 'is required' })
  lines: CheckoutLineDto[];

  @ApiProperty({
    example: true,
    description: 'One-shot: reserve, commit and complete in one call. Only true is accepted until the phased API lands.',
  })
  @Equals(true, { message: 'must be true: only one-shot checkouts are supported so far' })
  @IsDefined({ message: 'is required' })
  complete: true;
}
