import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsObject, IsOptional, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { isIanaTimeZone } from '../../../core/stores/local-time';
import { decoratorStack } from '../../common/decorator-stack';
import { VENDOR_ID } from '../../common/dto-fields';

const VENDOR_ID_MESSAGE = 'must be 1 to 100 characters without leading or trailing blanks';

const OptionalVendorId = (description: string, example: string) =>
  decoratorStack(ApiPropertyOptional({ description, example, nullable: true }), Matches(VENDOR_ID, { message: VENDOR_ID_MESSAGE }), Length(1, 100), IsString(), IsOptional());

/** An IANA zone name the runtime and the database both know (Europe/Nicosia, Asia/Nicosia, UTC). */
const TimeZoneName = () =>
  decoratorStack(
    ApiProperty({ example: 'Asia/Nicosia', description: 'IANA time zone of the store: vendor times and its finance and seal days are in it' }),
    ValidateBy({ name: 'isTimeZone', validator: { validate: isIanaTimeZone, defaultMessage: () => 'must be an IANA time zone name such as Asia/Nicosia' } }),
    IsString(),
    IsDefined({ message: 'is required' }),
  );

/** PUT /v1/admin/stores/{store}: the whole store (a field left out is cleared to its fallback). */
export class PutStoreDto {
  @TimeZoneName()
  timeZone: string;

  @OptionalVendorId('CRM.COM legacy performed_by_unit_identifier.name; absent: CRMCOM_UNIT_NAME', 'Unit')
  crmcomUnit?: string;

  @OptionalVendorId('CRM.COM back-office outlet (organisation) id; absent: none sent', '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a01')
  crmcomOutlet?: string;

  @OptionalVendorId('CMC (ClearLine) posLocationId; absent: the store id', 'S1')
  cmcLocation?: string;

  @ApiPropertyOptional({ description: 'CMC terminalId per till ({"T1": "CFS-7"}); a till not listed is its own terminal', example: { T1: 'T1' } })
  @ValidateBy({
    name: 'isTillTerminalMap',
    validator: {
      validate: (value: unknown) => isTerminalMap(value),
      defaultMessage: () => 'must map till ids (letters, digits, "_", "-", ".") to terminal ids of 1 to 100 characters',
    },
  })
  @IsObject()
  @IsOptional()
  cmcTerminals?: Record<string, string>;
}

const TILL = /^[A-Za-z0-9_.-]{1,40}$/;

export function isTerminalMap(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([till, terminal]) => TILL.test(till) && typeof terminal === 'string' && terminal.length <= 100 && VENDOR_ID.test(terminal));
}

/** A store as the admin API shows it. */
export class StoreViewDto {
  @ApiProperty({ example: 'S1' }) store: string;
  @ApiProperty({ example: 'Asia/Nicosia' }) timeZone: string;
  @ApiProperty({ nullable: true, type: String }) crmcomUnit: string | null;
  @ApiProperty({ nullable: true, type: String }) crmcomOutlet: string | null;
  @ApiProperty({ nullable: true, type: String }) cmcLocation: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) cmcTerminals: Record<string, string>;
  @ApiProperty({ example: '2026-12-05T21:00:00.000Z' }) updatedAt: string;
}
