import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { decoratorStack } from '../../common/decorator-stack';
import { MoneyAmount, NotBlankText, OneOf, OptionalNested, OptionalText } from '../../common/dto-fields';
import { POST_TENDER_PROVIDERS } from '../../../workflows/checkout.contract';

/**
 * The checkout request's optional vendor extras (issue 19): CRM.COM's OTP spend token and pass code
 * on the spend, and the people CMC ties a sale to on the post-tender block. Each field is checked
 * here, so a malformed one is a 400 naming it before any saga starts or any vendor is called.
 */

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
    IsOptional(),
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

/** cmc-post-tender.txt, SendTransaction "customer: Customer data block". */
export class PostTenderCustomerDto {
  @OptionalText([1, 64], { description: 'Customer id in the POS' })
  id?: string;

  @OptionalText([1, 100])
  firstName?: string;

  @OptionalText([1, 100])
  lastName?: string;

  @ApiPropertyOptional({ example: '1990-04-30' })
  @Matches(BIRTH_DATE, { message: 'must be a date such as "1990-04-30"' })
  @IsString()
  @IsOptional()
  birthDate?: string;

  @ApiPropertyOptional({ example: 'jane@example.com' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @Length(3, 254)
  @IsString()
  @IsOptional()
  email?: string;

  @ApiPropertyOptional({ example: '+35799000000' })
  @Matches(PHONE, { message: 'must be a phone number: an optional "+" and 6 to 20 digits' })
  @IsString()
  @IsOptional()
  phone?: string;
}

/** cmc-post-tender.txt, SendTransaction "salesPerson: Sales person data block". */
export class PostTenderSalesPersonDto {
  @NotBlankText(64, { description: 'Sales person id in the POS' })
  id: string;

  @OptionalText([1, 100])
  firstName?: string;

  @OptionalText([1, 100])
  lastName?: string;
}

export class PostTenderDto {
  @OneOf(POST_TENDER_PROVIDERS, { example: 'cmc' })
  provider: 'cmc';

  @OptionalNested(PostTenderCustomerDto, { description: 'The customer CMC ties the sale to (personal data: never logged or audited)' })
  customer?: PostTenderCustomerDto;

  @OptionalNested(PostTenderSalesPersonDto, { description: 'Who made the sale' })
  salesPerson?: PostTenderSalesPersonDto;

  @ApiPropertyOptional({ description: 'Loyalty card number (never logged or audited)' })
  @Matches(/^[A-Za-z0-9]+$/, { message: 'must contain only letters and digits' })
  @Length(4, 40)
  @IsString()
  @IsOptional()
  cardNumber?: string;
}
