import { createHash } from 'node:crypto';
import { invalidFields, ProblemException } from '../common/problem';
import { CAPILLARY_IDENTIFIERS, toCheckoutInput, type CheckoutConfig } from '../checkouts/checkout.mapper';
import { notInBatch } from '../checkouts/checkout-extras.mapper';
import { checkoutRequestHash } from '../checkouts/checkout-request-hash';
import type { CreateCheckoutDto } from '../checkouts/dto/create-checkout.dto';
import type { CheckoutInput, CustomerRef } from '../../workflows/checkout.contract';
import type { NewBatchSale, NewCheckoutBatch } from '../../core/checkout-batches/checkout-batches.repository';
import type { CreateCheckoutBatchDto } from './dto/create-checkout-batch.dto';
import type { StoreRow } from '../../core/stores/stores.repository';

/**
 * Validates and maps every sale as POST /v1/checkouts would (one-shot), naming each field under its
 * sale (`sales[12].lines[0].totalAmount`); any invalid sale refuses the whole batch before anything is
 * stored or started. The batch id is the client's batchReference or derived from the sales, so the
 * same upload always gets the same id.
 */
export function toBatchSales(dto: CreateCheckoutBatchDto, merchant: string, config: CheckoutConfig, stores: ReadonlyMap<string, StoreRow>): NewCheckoutBatch {
  const errors: Array<{ field: string; message: string }> = [];
  const keys = new Map<string, number>();
  const sales: NewBatchSale[] = [];
  dto.sales.forEach((sale, position) => {
    const at = `sales[${position}]`;
    if (sale.complete === false) {
      errors.push({ field: `${at}.complete`, message: 'must be true or absent: a batch carries completed sales' });
      return;
    }
    const kept = notInBatch(sale, at);
    if (kept.length) {
      errors.push(...kept);
      return;
    }
    // Hashed as the one-shot POST of the same sale would be, so the two recognise each other.
    const oneShot = Object.assign(sale, { complete: true }) as CreateCheckoutDto;
    let input: CheckoutInput;
    try {
      input = toCheckoutInput(oneShot, merchant, config, { billedAtCapillary: true, stores });
    } catch (err) {
      if (!(err instanceof ProblemException) || !err.problem.errors) throw err;
      errors.push(...err.problem.errors.map((e) => ({ field: `${at}.${e.field}`, message: e.message })));
      return;
    }
    const earlier = keys.get(input.checkoutId);
    if (earlier !== undefined) {
      errors.push({ field: `${at}.posReference`, message: `repeats the store, till and posReference of sales[${earlier}]` });
      return;
    }
    keys.set(input.checkoutId, position);
    sales.push({ position, input: { ...input, capillaryBill: capillaryBillOf(oneShot) }, requestHash: checkoutRequestHash(oneShot) });
  });
  if (errors.length) throw invalidFields(errors);
  const contentHash = createHash('sha256').update(sales.map((s) => s.requestHash).join('\n')).digest('hex');
  return { batchId: dto.batchReference ?? `b-${contentHash.slice(0, 32)}`, contentHash, sales };
}

/**
 * Every batch sale is billed at Capillary. The bill names the customer when Capillary can look them
 * up (phone, e-mail or external id; points name their own customer, which the saga prefers); a sale
 * without a customer, or with only a CRM.COM card code or account number, goes as `not_interested`.
 */
function capillaryBillOf(sale: CreateCheckoutDto): { customer?: CustomerRef } {
  const id = sale.customer?.identifier;
  return id && CAPILLARY_IDENTIFIERS.includes(id.type) ? { customer: { type: id.type, value: id.value } } : {};
}
