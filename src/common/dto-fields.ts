import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { decoratorStack } from './decorator-stack';

/**
 * The request fields several DTOs share, each one named decorator: its OpenAPI property and its
 * checks. The most basic check (present, right type) sits lowest, as on every DTO: class-validator
 * runs a property's checks bottom-up and the validation pipe stops at a field's first failure.
 */

/** Store, till and POS reference end up in the workflow id, so they are plain tokens without ':'. */
const KEY_TOKEN = /^[A-Za-z0-9_.-]+$/;
const KEY_TOKEN_MESSAGE = 'must contain only letters, digits, "_", "-" and "."';
/** Decimal string in the checkout currency; the currency's own precision is checked when converting. */
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
const AMOUNT_MESSAGE = 'must be a non-negative decimal string such as "10.00"';
/** Codes and identifiers must say something: whitespace alone is no product, coupon or customer. */
const NOT_BLANK = /\S/;
const NOT_BLANK_MESSAGE = 'must not be blank';
const REQUIRED = { message: 'is required' };

/** A required token of 1 to `maxLength` key characters (store, till, a POS or batch reference). */
export const KeyToken = (maxLength: number, doc: ApiPropertyOptions) =>
  decoratorStack(ApiProperty(doc), Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE }), Length(1, maxLength), IsString(), IsDefined(REQUIRED));

export const OptionalKeyToken = (maxLength: number, doc: ApiPropertyOptions) =>
  decoratorStack(ApiPropertyOptional(doc), Matches(KEY_TOKEN, { message: KEY_TOKEN_MESSAGE }), Length(1, maxLength), IsString(), IsOptional());

/**
 * A Capillary validation code (OTP), optional. vendors.md §2 shows one, "4PZGXC" (six letters and
 * digits); the length is an org's OTP setting, so 4 to 10 letters or digits are accepted and anything
 * else is refused here, before a vendor sees it.
 */
const VALIDATION_CODE = /^[A-Za-z0-9]{4,10}$/;
export const OptionalValidationCode = (doc: ApiPropertyOptions) =>
  decoratorStack(ApiPropertyOptional(doc), Matches(VALIDATION_CODE, { message: 'must be 4 to 10 letters or digits, as the customer received it' }), IsString(), AbsentNotNull());

/**
 * Optional, but not null: the field is left out or given. IsOptional would skip every check for null,
 * and a null that reaches the mapper is neither "no value" to every reader nor a string (a null
 * validation code passed the "code required" check; a null enrolment mobile was a TypeError, a 500).
 * Lowest on a field's stack: class-validator checks it first and stops there.
 */
export const AbsentNotNull = () =>
  decoratorStack(IsDefined({ message: 'must not be null (leave the field out instead)' }), ValidateIf((_o: object, value: unknown) => value !== undefined));

/** A required decimal string in the checkout currency. */
export const MoneyAmount = (doc: ApiPropertyOptions) => decoratorStack(ApiProperty(doc), Matches(AMOUNT, { message: AMOUNT_MESSAGE }), IsString(), IsDefined(REQUIRED));

export const OptionalMoneyAmount = (doc: ApiPropertyOptions) =>
  decoratorStack(ApiPropertyOptional(doc), Matches(AMOUNT, { message: AMOUNT_MESSAGE }), IsString(), IsOptional());

/** A required code or identifier of 1 to `maxLength` characters, not all whitespace. */
export const NotBlankText = (maxLength: number, doc: ApiPropertyOptions) =>
  decoratorStack(ApiProperty(doc), Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE }), Length(1, maxLength), IsString(), IsDefined(REQUIRED));

/** A required string of `min` to `max` characters. */
export const Text = ([min, max]: [number, number], doc: ApiPropertyOptions) => decoratorStack(ApiProperty(doc), Length(min, max), IsString(), IsDefined(REQUIRED));

export const OptionalText = ([min, max]: [number, number], doc: ApiPropertyOptions = {}) =>
  decoratorStack(ApiPropertyOptional(doc), Length(min, max), IsString(), IsOptional());

/** A required one of `values`. */
export const OneOf = (values: readonly string[], doc: ApiPropertyOptions) => decoratorStack(ApiProperty({ enum: values, ...doc }), IsIn(values), IsDefined(REQUIRED));

/** A quantity of a line: up to 100,000 units, in thousandths at the finest. */
export const Quantity = (doc: ApiPropertyOptions) =>
  decoratorStack(
    ApiProperty(doc),
    // maxDecimalPlaces crashes on exponent notation (5e-324), so the range checks run before it.
    IsNumber({ maxDecimalPlaces: 3 }, { message: 'must have at most 3 decimal places' }),
    Max(100_000),
    Min(0.001),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    IsDefined(REQUIRED),
  );

/** A required object validated as `type`. */
export const Nested = (type: Class, doc: ApiPropertyOptions = {}) =>
  decoratorStack(ApiProperty({ type, ...doc }), Type(() => type), ValidateNested(), IsObject(), IsDefined(REQUIRED));

export const OptionalNested = (type: Class, doc: ApiPropertyOptions = {}) =>
  decoratorStack(ApiPropertyOptional({ type, ...doc }), Type(() => type), ValidateNested(), IsObject(), IsOptional());

/** A required array of 1 to `max` objects, each validated as `type`; `notAnObject` names an item that is not one. */
export const NestedList = (type: Class, { max, notAnObject }: { max: number; notAnObject: string }, doc: ApiPropertyOptions = {}) =>
  decoratorStack(
    ApiProperty({ type: [type], ...doc }),
    Type(() => type),
    ValidateNested({ each: true }),
    IsObject({ each: true, message: notAnObject }),
    ArrayMaxSize(max),
    ArrayMinSize(1),
    IsArray(),
    IsDefined(REQUIRED),
  );

/** The page size of a list query: 1 to `doc.maximum`, `doc.default` when absent. */
export const PageLimit = (doc: { default: number; maximum: number; description?: string }) =>
  decoratorStack(ApiPropertyOptional(doc), Max(doc.maximum), Min(1), IsInt(), Type(() => Number), IsOptional());

/**
 * Text a vendor gets as an id or a name: printable, no surrounding blanks. No control character
 * anywhere (`\S` alone lets NUL through, which Postgres refuses in text and jsonb: a 500 otherwise).
 */
export const VENDOR_ID = /^[^\p{Cc}\s](?:[^\p{Cc}]*[^\p{Cc}\s])?$/u;
