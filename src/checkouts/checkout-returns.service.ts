import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'safe-stable-stringify';
import type { Principal } from '../access/principal';
import { invalidFields } from '../common/problem';
import type { ReturnRequest } from '../../workflows/checkout-returns.contract';
import { CheckoutReturnsClient, type ReturnOutcome } from '../../core/checkouts/checkout-returns.client';
import { minorUnits } from './checkout.mapper';
import type { ReturnCheckoutDto } from './dto/return-checkout.dto';

/** POST /v1/checkouts/{id}/returns: the body read as a return in the sale's currency (400 naming the field), made by the returns client. */
@Injectable()
export class CheckoutReturnsService {
  constructor(@Inject(CheckoutReturnsClient) private readonly returns: CheckoutReturnsClient) {}

  return(checkoutId: string, dto: ReturnCheckoutDto, caller: Principal): Promise<ReturnOutcome> {
    return this.returns.return(caller, checkoutId, (currency) => toReturnRequest(dto, currency));
  }
}

/** Exactly one of `lines` and `amount`, in minor units; the body's hash tells a retry from another return. */
function toReturnRequest(dto: ReturnCheckoutDto, currency: string): ReturnRequest {
  const errors: Array<{ field: string; message: string }> = [];
  if (dto.lines !== undefined && dto.amount !== undefined) errors.push({ field: 'amount', message: 'give either lines or amount, not both' });
  if (dto.lines === undefined && dto.amount === undefined) errors.push({ field: 'lines', message: 'give the returned lines or an amount' });
  const amountMinor = dto.amount === undefined ? undefined : minorUnits(errors, 'amount', dto.amount, currency);
  if (amountMinor === 0 && !errors.some((e) => e.field === 'amount')) errors.push({ field: 'amount', message: 'must be more than zero' });
  const lines = dto.lines?.map((l, i) => ({ sku: l.sku, quantity: l.quantity, totalMinor: minorUnits(errors, `lines[${i}].totalAmount`, l.totalAmount, currency) }));
  if (errors.length > 0) throw invalidFields(errors);
  const requestHash = createHash('sha256').update(stringify({ lines: dto.lines, amount: dto.amount }) ?? '').digest('hex');
  return { returnReference: dto.returnReference, requestHash, ...(lines ? { lines } : { amountMinor }) };
}
