import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECKOUT_STATES, type CheckoutState } from '../../../workflows/checkout.contract';

/**
 * The checkout as the POS sees it. Amounts are decimal strings in the checkout currency (the
 * workflow's `...Minor` integers, converted by src/common/money-view.ts).
 */
export class RefusalDto {
  @ApiProperty({ example: 'coupontools' }) vendor: string;
  @ApiProperty({ example: '514' }) code: string;
  @ApiProperty({ example: 'This coupon was already used on 2026-11-20 18:02' }) reason: string;
}

export class RejectionDto extends RefusalDto {
  @ApiProperty({ example: 'reserve' }) step: string;
}

export class CouponQuoteDto {
  @ApiProperty({ example: 'coupontools' }) provider: string;
  @ApiProperty({ example: 'kkfiznr8Yp8630h82es8d' }) code: string;
  @ApiProperty({ example: true }) accepted: boolean;
  @ApiPropertyOptional({ example: '5.00' }) value?: string;
  @ApiPropertyOptional({ type: RefusalDto }) refusal?: RefusalDto;
}

export class LoyaltyQuoteDto {
  @ApiProperty({ example: '10.00' }) walletBalance: string;
  @ApiProperty({ example: '0.10' }) expectedAward: string;
  @ApiProperty({ example: '0.00' }) automaticSpend: string;
  @ApiProperty({ example: '10.00', description: 'The most the customer may spend from the wallet on this sale' }) maxSpend: string;
  @ApiProperty({ example: '5.00' }) requestedSpend: string;
  @ApiPropertyOptional({
    enum: ['front_end', 'back_end'],
    description: 'Who redeems the wallet spend (CRM.COM reduction_method): front_end, the till deducts it; back_end, the customer pays in full and CRM.COM pays the spend back (on the legacy API maxSpend is then 0; on the back-office API the spend is asked with the purchase, posted after payment, and paid out)',
  })
  reductionMethod?: string;
}

export class LoyaltyCommitmentDto {
  @ApiProperty({ enum: ['front_end', 'back_end'] }) reductionMethod: string;
  @ApiProperty({ example: '0.00', description: 'Spend CRM.COM made itself on a back-end account and pays back to the customer (not a till discount)' })
  backEndSpend: string;
}

export class PointsQuoteDto {
  @ApiProperty({ example: 100 }) points: number;
  @ApiProperty({ example: '1.00' }) value: string;
  @ApiProperty({ example: true }) accepted: boolean;
  @ApiPropertyOptional({ type: RefusalDto }) refusal?: RefusalDto;
}

const UNAVAILABLE =
  "Vendors that did not answer within the till's time budget (header Till-Budget-Ms): left out of this sale, their refusal code VENDOR_UNAVAILABLE; an effect of theirs that lands late is undone";

export class QuoteDto {
  @ApiProperty({ example: '10.00' }) total: string;
  @ApiPropertyOptional({ type: LoyaltyQuoteDto }) loyalty?: LoyaltyQuoteDto;
  @ApiPropertyOptional({ type: PointsQuoteDto }) points?: PointsQuoteDto;
  @ApiProperty({ type: [CouponQuoteDto] }) coupons: CouponQuoteDto[];
  @ApiProperty({ example: '2026-11-21T10:15:00.000Z', description: 'Holds are released if no next call comes by then' })
  holdExpiresAt: string;
  @ApiPropertyOptional({ type: [String], example: ['capillary'], description: UNAVAILABLE })
  unavailable?: string[];
}

export class DiscountsDto {
  @ApiProperty({ example: '5.00', description: 'Wallet spend CRM.COM approved (may be less than asked)' }) spend: string;
  @ApiProperty({ example: '0.00' }) automaticSpend: string;
  @ApiProperty({ example: '1.00' }) points: string;
  @ApiProperty({ example: '5.00' }) coupons: string;
}

export class CommitmentDto {
  @ApiProperty({ type: DiscountsDto }) discounts: DiscountsDto;
  @ApiProperty({ example: '0.00', description: 'What the customer still has to pay' }) amountDue: string;
  @ApiProperty({ type: [RefusalDto] }) refusals: RefusalDto[];
  @ApiProperty({ example: '2026-11-21T10:15:00.000Z' }) holdExpiresAt: string;
  @ApiPropertyOptional({ type: LoyaltyCommitmentDto }) loyalty?: LoyaltyCommitmentDto;
  @ApiPropertyOptional({ type: [String], example: ['capillary'], description: UNAVAILABLE })
  unavailable?: string[];
}

export class ReceiptDto {
  @ApiProperty({ example: '10.00' }) total: string;
  @ApiProperty({ example: '0.00' }) amountDue: string;
  @ApiProperty({ example: '0.00' }) paid: string;
  @ApiProperty({ example: '0.10' }) awarded: string;
  @ApiProperty({ example: '5.00' }) spent: string;
  @ApiPropertyOptional({ example: '10.00' }) walletBalanceBefore?: string;
  @ApiPropertyOptional({ example: '5.10' }) walletBalanceAfter?: string;
  @ApiProperty({ example: 100 }) pointsRedeemed: number;
  @ApiProperty({ example: '1.00' }) pointsValue: string;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { provider: { type: 'string' }, code: { type: 'string' }, value: { type: 'string' } }, required: ['provider', 'code'] }, example: [{ provider: 'coupontools', code: 'kkfiznr8Yp8630h82es8d', value: '5.00' }] })
  coupons: Array<{ provider: string; code: string; value?: string }>;
  @ApiPropertyOptional({ example: { qrCodeLinkUrl: 'https://…', cfsCarouselUrl: 'https://…' } })
  postTender?: Record<string, string>;
  @ApiProperty({ example: { crmcomPurchaseNumber: '111', capillaryBillNumber: 'demo:S1:T1:REF0001' } })
  references: Record<string, string>;
  @ApiProperty({ type: [RefusalDto], description: 'Effects a vendor refused after payment: recorded for finance' })
  exceptions: RefusalDto[];
  @ApiPropertyOptional({ example: { qr: 'REF0001;M0001;S1;1000', barcode: 'M0001;REF0001;1000;S1' }, description: 'CRM.COM reclaim codes, for sales without a CRM.COM customer or whose CRM.COM was unavailable' })
  crmcomReclaim?: { qr: string; barcode: string };
  @ApiPropertyOptional({
    example: { spend: '5.00' },
    description: 'CRM.COM back-end reduction: the spend CRM.COM pays back to the customer itself; the customer paid in full',
  })
  crmcomPaidOut?: { spend: string };
  @ApiPropertyOptional({ type: [String], example: ['capillary'], description: UNAVAILABLE })
  unavailable?: string[];
  @ApiPropertyOptional({ example: 'card' }) paymentMethod?: string;
}

export class VoidDto {
  @ApiProperty({ type: [RefusalDto], description: 'Undo steps a vendor refused or that never completed' }) exceptions: RefusalDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { vendor: { type: 'string' }, code: { type: 'string' } }, required: ['vendor', 'code'] }, example: [{ vendor: 'coupontools', code: 'kkfiznr8Yp8630h82es8d' }], description: 'Effects with no undo (Coupontools validation): for finance' })
  nonCompensable: Array<{ vendor: string; code: string }>;
  @ApiProperty({ example: { cmcRefundTransactionId: 'demo:S1:T1:REF0001:refund' } }) references: Record<string, string>;
}

export class CheckoutViewDto {
  @ApiProperty({ example: 'checkout:demo:S1:T1:REF0001' }) checkoutId: string;
  @ApiProperty({ enum: CHECKOUT_STATES, example: 'completed' }) state: CheckoutState;
  @ApiPropertyOptional({ type: QuoteDto }) quote?: QuoteDto;
  @ApiPropertyOptional({ type: CommitmentDto }) commitment?: CommitmentDto;
  @ApiPropertyOptional({ type: ReceiptDto }) receipt?: ReceiptDto;
  @ApiPropertyOptional({ type: RejectionDto }) rejection?: RejectionDto;
  @ApiPropertyOptional({ example: 'commit failed: crmcom unavailable: HTTP 503' }) failureReason?: string;
  @ApiPropertyOptional({ type: VoidDto, description: 'Present once the checkout was voided' }) void?: VoidDto;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, outcome: { type: 'string' }, reason: { type: 'string' } }, required: ['step', 'outcome'] }, example: [{ step: 'release coupon coupontools:kkfiznr8Yp8630h82es8d', outcome: 'done' }] })
  compensations: Array<{ step: string; outcome: string; reason?: string }>;
}
