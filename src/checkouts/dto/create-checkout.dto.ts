import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsInt,
  IsISO4217CurrencyCode,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AbsentNotNull, KeyToken, MoneyAmount, Nested, NestedList, NotBlankText, OneOf, OptionalNested, OptionalText, OptionalValidationCode, Quantity } from '../../common/dto-fields';
import {
  COUPON_PROVIDERS,
  CUSTOMER_IDENTIFIER_TYPES,
  LOYALTY_PROVIDERS,
  POINTS_PROVIDERS,
  type CouponProvider,
  type CustomerIdentifierType,
} from '../../../workflows/checkout.contract';
import { CheckoutSpendDto, PostTenderDto } from './checkout-extras.dto';

/**
 * class-validator runs a property's decorators bottom-up and we keep the first failure per field,
 * so the most basic check (present, right type) sits lowest. Fields shared with other DTOs are the
 * named decorators of src/common/dto-fields.ts.
 */

/** The most lines one checkout (or one sale of a batch) may carry. */
export const CHECKOUT_LINE_LIMIT = 500;

/** An instant with its zone: a till's local time without an offset is ambiguous. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export class CustomerIdentifierDto {
  @OneOf(CUSTOMER_IDENTIFIER_TYPES, { example: 'code' })
  type: CustomerIdentifierType;

  @NotBlankText(128, { example: '22265577', description: 'Access token (CRM.COM card), phone, e-mail, account number or Capillary card number' })
  value: string;
}

export class CustomerDto {
  @OneOf(LOYALTY_PROVIDERS, { example: 'crmcom' })
  provider: 'crmcom';

  @Nested(CustomerIdentifierDto)
  identifier: CustomerIdentifierDto;
}

export class CheckoutLineDto {
  @NotBlankText(100, { example: 'Soft Drinks', description: 'Product code as the loyalty vendor knows it' })
  sku: string;

  @OptionalText([0, 200], { example: 'Cola 330ml' })
  description?: string;

  @Quantity({ example: 1 })
  quantity: number;

  @MoneyAmount({ example: '10.00' })
  totalAmount: string;

  @MoneyAmount({ example: '8.00' })
  netAmount: string;

  @MoneyAmount({ example: '2.00' })
  vatAmount: string;
}

export class SpendDto {
  @MoneyAmount({ example: '5.00', description: 'Wallet amount to spend; CRM.COM may approve less' })
  amount: string;
}

/** A Capillary customer's details, for enrolment when Capillary does not know the customer. */
export class CapillaryEnrolmentDto {
  @ApiPropertyOptional({ example: 'Tom' })
  @Length(1, 100)
  @IsString()
  @AbsentNotNull()
  firstName?: string;

  @ApiPropertyOptional({ example: 'Sawyer' })
  @Length(1, 100)
  @IsString()
  @AbsentNotNull()
  lastName?: string;

  @ApiPropertyOptional({ example: 'tom.sawyer@example.com' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @IsString()
  @AbsentNotNull()
  email?: string;

  @ApiPropertyOptional({ example: '919999999999', description: 'With the country code (the guide: "Enroll customers with mobile numbers along with country codes")' })
  @Matches(/^\+?\d[\d\s-]{6,18}\d$/, { message: 'must be a mobile number with its country code, such as "919999999999"' })
  @IsString()
  @AbsentNotNull()
  mobile?: string;
}

export class PointsDto {
  @OneOf(POINTS_PROVIDERS, { example: 'capillary' })
  provider: 'capillary';

  @ApiProperty({ example: 100 })
  @Max(10_000_000)
  @Min(1)
  @IsInt()
  @IsDefined({ message: 'is required' })
  points: number;

  @OptionalNested(CustomerIdentifierDto, {
    description: "The Capillary customer (phone, email, externalId, or a Capillary card: card (its number) or cardExternalId); defaults to the checkout's customer identifier",
  })
  identifier?: CustomerIdentifierDto;

  @OptionalValidationCode({
    example: '4PZGXC',
    description: 'The validation code (OTP) the customer received (POST /v1/capillary/validation-codes); required when CAPILLARY_VALIDATION_REQUIRED=true',
  })
  validationCode?: string;

  @OptionalNested(CapillaryEnrolmentDto, {
    description: 'The customer\'s details: when Capillary does not know the customer, the saga enrols them (customer/add, no undo) and goes on',
  })
  enrol?: CapillaryEnrolmentDto;
}

export class CouponDto {
  @OneOf(COUPON_PROVIDERS, { example: 'coupontools' })
  provider: CouponProvider;

  @NotBlankText(64, { example: 'kkfiznr8Yp8630h82es8d' })
  code: string;

  @OptionalValidationCode({ example: '4PZGXC', description: 'Capillary coupons: the validation code (OTP), as points.validationCode' })
  validationCode?: string;
}

export class CreateCheckoutDto {
  @KeyToken(40, { example: 'S1' })
  store: string;

  @KeyToken(40, { example: 'T1' })
  till: string;

  @KeyToken(64, {
    example: 'REF0001',
    description:
      "The POS's own reference: the checkout's idempotency key within the till. A checkout billed at Capillary carries it in its bill " +
      '(at most 50 characters): with a long store and till, at most 33 characters (README, Money rules)',
  })
  posReference: string;

  @ApiProperty({ example: '2026-11-21T10:00:00Z' })
  @Matches(INSTANT, { message: 'must be an ISO 8601 date-time with a zone, such as "2026-11-21T10:00:00Z"' })
  @IsString()
  @IsDefined({ message: 'is required' })
  performedOn: string;

  @ApiProperty({ example: 'EUR', description: 'The currency of every vendor account the checkout uses (CRMCOM_CURRENCY, CAPILLARY_CURRENCY…)' })
  @IsISO4217CurrencyCode()
  @IsDefined({ message: 'is required' })
  currency: string;

  @OptionalNested(CustomerDto, { description: 'The CRM.COM customer: award and wallet spend' })
  customer?: CustomerDto;

  @NestedList(CheckoutLineDto, { max: CHECKOUT_LINE_LIMIT, notAnObject: 'each line must be an object' })
  lines: CheckoutLineDto[];

  @OptionalNested(CheckoutSpendDto)
  spend?: CheckoutSpendDto;

  @OptionalNested(PointsDto)
  points?: PointsDto;

  @ApiPropertyOptional({ type: [CouponDto] })
  @Type(() => CouponDto)
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: 'each coupon must be an object' })
  @ArrayMaxSize(20)
  @IsArray()
  @IsOptional()
  coupons?: CouponDto[];

  @OptionalNested(PostTenderDto)
  postTender?: PostTenderDto;

  @ApiPropertyOptional({
    example: false,
    description: 'true: reserve, commit and complete in one call (the answer is the receipt). false or absent: reserve only (the answer is the quote).',
  })
  @IsBoolean()
  @IsOptional()
  complete?: boolean;
}
