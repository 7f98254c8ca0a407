import { plainToInstance } from 'class-transformer';
import { CreateCheckoutDto } from '../../src/checkouts/dto/create-checkout.dto';
import type { StoreRow } from '../../core/stores/stores.repository';

/** A minimal valid POST /v1/checkouts body at S1/T1 as the DTO the mapper takes, with `overrides` on top. */
export function checkoutDto(overrides: Record<string, unknown> = {}): CreateCheckoutDto {
  return plainToInstance(CreateCheckoutDto, {
    store: 'S1',
    till: 'T1',
    posReference: 'R1',
    performedOn: '2026-11-21T10:00:00Z',
    currency: 'EUR',
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '10.00', netAmount: '8.00', vatAmount: '2.00' }],
    ...overrides,
  });
}

/** The stores the mapper resolves S1 from: demo's S1 in `timeZone`, every vendor id on its fallback. */
export function demoS1(timeZone: string): ReadonlyMap<string, StoreRow> {
  return new Map([
    ['S1', { merchant: 'demo', store: 'S1', timeZone, crmcomUnit: null, crmcomOutlet: null, cmcLocation: null, cmcTerminals: {}, updatedAt: '2026-12-05T00:00:00.000Z' }],
  ]);
}
