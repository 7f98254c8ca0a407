import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsObject, IsString, Length, Matches, ValidateBy, ValidateNested } from 'class-validator';
import { decoratorStack } from '../../common/decorator-stack';
import { AbsentNotNull, MoneyAmount, OneOf, VENDOR_ID } from '../../common/dto-fields';
import { POST_TENDER_PROVIDERS } from '../../../workflows/checkout.contract';

/**
 * The checkout request's optional vendor extras (issue 19): CRM.COM's OTP spend token and pass code
 * on the spend, and the people CMC ties a sale to on the post-tender block. Each field is checked
 * here, so a malformed one is a 400 naming it before any saga starts or any vendor is called.
 */

/**
 * Optional, but never null: absent means "not given", while a null would reach the vendor as null
 * (an OTP or pass code sent null costs the customer the spend). A null is a 400 naming the field.
 */
/** Free text a vendor gets: no control characters (NUL cannot be stored in an audit row), no leading or trailing blanks. */
const PersonText = (maxLength: number, doc: { description?: string } = {}) =>
  decoratorStack(
    ApiPropertyOptional(doc),
    Matches(VENDOR_ID, { message: 'must not contain control characters or start or end with a blank' }),
    Length(1, maxLength),
    IsString(),
    AbsentNotNull(),
  );

/** A nested block that may be left out, but is an object when given (never null). */
const NestedIfGiven = (type: new () => object, description: string) =>
  decoratorStack(ApiPropertyOptional({ type, description }), Type(() => type), ValidateNested(), IsObject(), AbsentNotNull());

/**
 * A secret the customer keys in (a one-time token, a pass code): digits and letters only, so it can
 * never carry anything else into the vendor's body. The CRM.COM guide gives neither format.
 */
const SECRET_CODE = /^[A-Za-z0-9]+$/;
const SECRET_CODE_MESSAGE = 'must contain only letters and digits';
const OptionalSecretCode = (maxLength: number, description: string) =>
  decoratorStack(
    ApiPropertyOptional({ description, writeOnly: true }),
    Matches(SECRET_CODE, { message: SECRET_CODE_MESSAGE }),
    Length(1, maxLength),
    IsString(),
    AbsentNotNull(),
  );

/** E.164-like: an optional "+", then 6 to 20 digits (spaces and dashes between groups allowed). */
const PHONE = /^\+?\d(?:[ -]?\d){5,19}$/;
const BIRTH_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The spend of POST /v1/checkouts: the amount, and CRM.COM back-office's OTP spend token and pass code. */
export class CheckoutSpendDto {
  @MoneyAmount({ example: '5.00', description: 'Wallet amount to spend; CRM.COM may approve less' })
  amount: string;

  @OptionalSecretCode(64, "CRM.COM back-office only: the one-time spend token the contact got in the CRM.COM app (used once; refused if wrong, used or expired)")
  otp?: string;

  @OptionalSecretCode(32, "CRM.COM back-office only: the contact's pass code (the Front-End Purchase's \"pass code (optional)\")")
  passCode?: string;
}

/**
 * A day that exists (not 1990-02-31) and has begun somewhere on Earth (UTC+14): a birth date from the
 * future is a typing error. Checked after the format (class-validator runs every decorator; this one
 * answers true for a malformed string so that only the format's message names it).
 */
export function isPastCalendarDay(value: unknown, now = Date.now()): boolean {
  if (typeof value !== 'string' || !BIRTH_DATE.test(value)) return true;
  const [y, m, d] = value.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return false;
  return day.getTime() <= now + 14 * 3_600_000;
}

/** cmc-post-tender.txt, SendTransaction "customer: Customer data block". */
export class PostTenderCustomerDto {
  @PersonText(64, { description: 'Customer id in the POS (personal data: redacted from audit rows)' })
  id?: string;

  @PersonText(100)
  firstName?: string;

  @PersonText(100)
  lastName?: string;

  @ApiPropertyOptional({ example: '1990-04-30', description: 'YYYY-MM-DD: a real calendar day, not in the future' })
  @ValidateBy({ name: 'isPastCalendarDay', validator: { validate: (value: unknown) => isPastCalendarDay(value), defaultMessage: () => 'must be a real calendar day, not in the future' } })
  @Matches(BIRTH_DATE, { message: 'must be a date such as "1990-04-30"' })
  @IsString()
  @AbsentNotNull()
  birthDate?: string;

  @ApiPropertyOptional({ example: 'jane@example.com' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @Length(3, 254)
  @IsString()
  @AbsentNotNull()
  email?: string;

  @ApiPropertyOptional({ example: '+35799000000' })
  @Matches(PHONE, { message: 'must be a phone number: an optional "+" and 6 to 20 digits' })
  @IsString()
  @AbsentNotNull()
  phone?: string;
}

/** cmc-post-tender.txt, SendTransaction "salesPerson: Sales person data block". */
export class PostTenderSalesPersonDto {
  @ApiProperty({ description: 'Sales person id in the POS' })
  @Matches(VENDOR_ID, { message: 'must not contain control characters or start or end with a blank' })
  @Length(1, 64)
  @IsString()
  @IsDefined({ message: 'is required' })
  id: string;

  @PersonText(100)
  firstName?: string;

  @PersonText(100)
  lastName?: string;
}

export class PostTenderDto {
  @OneOf(POST_TENDER_PROVIDERS, { example: 'cmc' })
  provider: 'cmc';

  @NestedIfGiven(PostTenderCustomerDto, 'The customer CMC ties the sale to (personal data: never logged, redacted from audit rows)')
  customer?: PostTenderCustomerDto;

  @NestedIfGiven(PostTenderSalesPersonDto, 'Who made the sale')
  salesPerson?: PostTenderSalesPersonDto;

  @ApiPropertyOptional({ description: 'Loyalty card number (never logged or audited)' })
  @Matches(SECRET_CODE, { message: SECRET_CODE_MESSAGE })
  @Length(4, 40)
  @IsString()
  @AbsentNotNull()
  cardNumber?: string;
}
