import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsOptional, IsString, ValidateIf } from 'class-validator';

/** PUT /v1/admin/callback: the merchant's default URL and which checkouts get a callback. */
export class PutMerchantCallbackDto {
  @ApiProperty({ nullable: true, type: String, example: 'https://pos.example.com/checkout-ended', description: 'Where ended checkouts are POSTed; null: only stores with their own URL get callbacks' })
  @IsString()
  @ValidateIf((_, v) => v !== null)
  @IsDefined({ message: 'is required (null for none)' })
  url: string | null;

  @ApiPropertyOptional({ default: false, description: 'true: every checkout that ends; false: only checkouts the API answered 202 (still running)' })
  @IsBoolean()
  @IsOptional()
  allCheckouts?: boolean;
}

/** PUT /v1/admin/callback/stores/{store}: the store's own URL, instead of the merchant's. */
export class PutStoreCallbackDto {
  @ApiProperty({ example: 'https://s1.example.com/checkout-ended' })
  @IsString()
  @IsDefined({ message: 'is required' })
  url: string;
}

export class StoreCallbackViewDto {
  @ApiProperty({ example: 'S1' }) store: string;
  @ApiProperty() url: string;
  @ApiProperty({ example: '2026-12-05T21:00:00.000Z' }) updatedAt: string;
}

/** The merchant's callback settings; `secret` only in the answer that created it (shown once). */
export class MerchantCallbackViewDto {
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty() allCheckouts: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'cbk_3f9a1c2b7d4e', description: 'Sent as Checkout-Saga-Key-Id' }) secretId: string | null;
  @ApiPropertyOptional({ description: 'The signing secret, in this answer only: store it now' }) secret?: string;
  @ApiProperty({ type: StoreCallbackViewDto, isArray: true }) stores: StoreCallbackViewDto[];
}

export class CallbackSecretViewDto {
  @ApiProperty({ example: 'cbk_3f9a1c2b7d4e' }) secretId: string;
  @ApiProperty({ description: 'The new signing secret, shown once; callbacks are signed with it from now on' }) secret: string;
}
