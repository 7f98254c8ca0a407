import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsDefined,
  IsIn,
  IsISO4217CurrencyCode,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  COUPON_PROVIDERS,
  CUSTOMER_IDENTIFIER_TYPES,
  LOYALTY_PROVIDERS,
  POINTS_PROVIDERS,
  POST_TENDER_PROVIDERS,
  type CouponProvider,
  type CustomerIdentifierType,
} from '../../../workflows/checkout.contract';

/**
 * class-validator runs a property's decorators bottom-up and we keep the first failure per field,
 * so the most basic check (present, right type) sits lowest.
 */

/** Store, till and POS reference end up in the workflow id, so they are plain tokens without ':'. */
export const KEY_TOKEN = /^[A-Za-z0-9_.-]+$/;
export const KEY_TOKEN_MESSAGE = 'must contain only letters, digits, "_", "-" and "."';
/** Decimal string in the checkout currency; the currency's own precision is checked when converting. */
export const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
export const AMOUNT_MESSAGE = 'must be a non-negative decimal string such as "10.00"';
/** Codes and identifiers must say something: whitespace alone is no product, coupon or customer. */
const NOT_BLANK = /\S/;
const NOT_BLANK_MESSAGE = 'must not be blank';
/** An instant with its zone: a till's local time without an offset is ambiguous. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export class CustomerIdentifierDto {
  @ApiProperty({ enum: CUSTOMER_IDENTIFIER_TYPES, example: 'code' })
  @IsIn(CUSTOMER_IDENTIFIER_TYPES)
  @IsDefined({ message: 'is required' })
  type: CustomerIdentifierType;

  @ApiProperty({ example: '22265577', description: 'Card, access token, phone, e-mail or account number' })
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @Length(1, 128)
  @IsString()
  @IsDefined({ message: 'is required' })
  value: string;
}

export class CustomerDto {
  @ApiProperty({ enum: LOYALTY_PROVIDERS, example: 'crmcom' })
  @IsIn(LOYALTY_PROVIDERS)
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
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
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
  // maxDecimalPlaces crashes on exponent notation (5e-324), so the range checks run before it.
  @IsNumber({ maxDecimalPlaces: 3 }, { message: 'must have at most 3 decimal places' })
  @Max(100_000)
  @Min(0.001)
  @IsNumber({ allowNaN: false, allowInfinity: false })
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

export class SpendDto {
  @ApiProperty({ example: '5.00', description: 'Wallet amount to spend; CRM.COM may approve less' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsDefined({ message: 'is required' })
  amount: string;
}

export class PointsDto {
  @ApiProperty({ enum: POINTS_PROVIDERS, example: 'capillary' })
  @IsIn(POINTS_PROVIDERS)
  @IsDefined({ message: 'is required' })
  provider: 'capillary';

  @ApiProperty({ example: 100 })
  @Max(10_000_000)
  @Min(1)
  @IsInt()
  @IsDefined({ message: 'is required' })
  points: number;

  @ApiPropertyOptional({
    type: CustomerIdentifierDto,
    description: "The Capillary customer (phone, email or externalId); defaults to the checkout's customer identifier",
  })
  @Type(() => CustomerIdentifierDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  identifier?: CustomerIdentifierDto;
}

export class CouponDto {
  @ApiProperty({ enum: COUPON_PROVIDERS, example: 'coupontools' })
  @IsIn(COUPON_PROVIDERS)
  @IsDefined({ message: 'is required' })
  provider: CouponProvider;

  @ApiProperty({ example: 'kkfiznr8Yp8630h82es8d' })
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @Length(1, 64)
  @IsString()
  @IsDefined({ message: 'is required' })
  code: string;
}

export class PostTenderDto {
  @ApiProperty({ enum: POST_TENDER_PROVIDERS, example: 'cmc' })
  @IsIn(POST_TENDER_PROVIDERS)
  @IsDefined({ message: 'is required' })
  provider: 'cmc';
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

  @ApiPropertyOptional({ type: CustomerDto, description: 'The CRM.COM customer: award and wallet spend' })
  @Type(() => CustomerDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  customer?: CustomerDto;

  @ApiProperty({ type: [CheckoutLineDto] })
  @Type(() => CheckoutLineDto)
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: 'each line must be an object' })
  @ArrayMaxSize(500)
  @ArrayMinSize(1)
  @IsArray()
  @IsDefined({ message: 'is required' })
  lines: CheckoutLineDto[];

  @ApiPropertyOptional({ type: SpendDto })
  @Type(() => SpendDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  spend?: SpendDto;

  @ApiPropertyOptional({ type: PointsDto })
  @Type(() => PointsDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  points?: PointsDto;

  @ApiPropertyOptional({ type: [CouponDto] })
  @Type(() => CouponDto)
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: 'each coupon must be an object' })
  @ArrayMaxSize(20)
  @IsArray()
  @IsOptional()
  coupons?: CouponDto[];

  @ApiPropertyOptional({ type: PostTenderDto })
  @Type(() => PostTenderDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  postTender?: PostTenderDto;

  @ApiPropertyOptional({
    example: false,
    description: 'true: reserve, commit and complete in one call (the answer is the receipt). false or absent: reserve only (the answer is the quote).',
  })
  @IsBoolean()
  @IsOptional()
  complete?: boolean;
}
