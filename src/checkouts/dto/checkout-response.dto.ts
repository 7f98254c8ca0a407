import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECKOUT_STATES, type CheckoutState } from '../../../workflows/checkout.contract';

export class ReceiptReferencesDto {
  @ApiProperty({ example: '111' })
  crmcomPurchaseNumber: string;
}

/** The block the POS prints. Amounts are decimal strings in `currency`. */
export class ReceiptDto {
  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ example: '10.00' })
  total: string;

  @ApiProperty({ example: '0.10', description: 'Awarded to the wallet by this purchase' })
  awarded: string;

  @ApiProperty({ example: '10.00' })
  walletBalanceBefore: string;

  @ApiProperty({ example: '10.10' })
  walletBalanceAfter: string;

  @ApiProperty({ type: ReceiptReferencesDto })
  references: ReceiptReferencesDto;
}

export class RejectionDto {
  @ApiProperty({ example: 'identify' })
  step: string;

  @ApiProperty({ example: 'crmcom' })
  vendor: string;

  @ApiProperty({ example: 'NotFoundAPIValueException' })
  code: string;

  @ApiProperty({ example: 'Rewards participant not found' })
  reason: string;
}

export class CheckoutResponseDto {
  @ApiProperty({ example: 'checkout:demo:S1:T1:REF0001' })
  checkoutId: string;

  @ApiProperty({ enum: CHECKOUT_STATES, example: 'completed' })
  state: CheckoutState;

  @ApiPropertyOptional({ type: ReceiptDto })
  receipt?: ReceiptDto;

  @ApiPropertyOptional({ type: RejectionDto })
  rejection?: RejectionDto;
}
