import { formatMinorUnits, MoneyFormatError, parseDecimalAmount } from '../common/money';
import { invalidFields } from '../common/problem';
import type { CheckoutInput, CheckoutKey, CheckoutReceipt, CheckoutResult } from '../../workflows/checkout.contract';
import { checkoutWorkflowId } from '../../workflows/checkout.contract';
import type { CheckoutResponseDto, ReceiptDto } from './dto/checkout-response.dto';
import type { CreateCheckoutDto } from './dto/create-checkout.dto';

/** API edge -> workflow input: decimal strings become minor units here, and nowhere else. */
export function toCheckoutInput(dto: CreateCheckoutDto, merchant: string): CheckoutInput {
  const key: CheckoutKey = { merchant, store: dto.store, till: dto.till, posReference: dto.posReference };
  const errors: Array<{ field: string; message: string }> = [];
  const minor = (field: string, amount: string) => {
    try {
      return parseDecimalAmount(amount, dto.currency);
    } catch (err) {
      if (!(err instanceof MoneyFormatError)) throw err;
      errors.push({ field, message: err.message });
      return 0;
    }
  };
  const lines = dto.lines.map((line, i) => ({
    sku: line.sku,
    description: line.description,
    quantity: line.quantity,
    totalMinor: minor(`lines[${i}].totalAmount`, line.totalAmount),
    netMinor: minor(`lines[${i}].netAmount`, line.netAmount),
    vatMinor: minor(`lines[${i}].vatAmount`, line.vatAmount),
  }));
  if (errors.length) throw invalidFields(errors);
  return {
    ...key,
    checkoutId: checkoutWorkflowId(key),
    performedOn: dto.performedOn,
    currency: dto.currency,
    customer: { provider: dto.customer.provider, identifier: { type: dto.customer.identifier.type, value: dto.customer.identifier.value } },
    lines,
    totalMinor: lines.reduce((sum, l) => sum + l.totalMinor, 0),
  };
}

export function toReceiptDto(receipt: CheckoutReceipt): ReceiptDto {
  const money = (minor: number) => formatMinorUnits(minor, receipt.currency);
  return {
    currency: receipt.currency,
    total: money(receipt.totalMinor),
    awarded: money(receipt.awardedMinor),
    walletBalanceBefore: money(receipt.walletBalanceBeforeMinor),
    walletBalanceAfter: money(receipt.walletBalanceAfterMinor),
    references: { crmcomPurchaseNumber: receipt.references.crmcomPurchaseNumber },
  };
}

export function toCheckoutResponse(result: CheckoutResult): CheckoutResponseDto {
  return {
    checkoutId: result.checkoutId,
    state: result.state,
    ...(result.receipt && { receipt: toReceiptDto(result.receipt) }),
    ...(result.rejection && { rejection: result.rejection }),
  };
}
