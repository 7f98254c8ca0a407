import type { FastifyReply } from 'fastify';
import { formatMinorUnits } from '../../core/money/money';
import type { Body } from './capillary-sandbox-input';
import { ORG_CURRENCY, PROGRAM_ID } from './capillary-sandbox-org';
import type { Customer } from './capillary-sandbox-state';

/**
 * Building Capillary answers. v1.1 answers carry a request status (200 / 201 some items failed / 500
 * all failed) and an item_status per entity; v2 answers carry `errors[]`. The customer views live
 * here because customers, points and transactions all echo the same customer shape.
 */

export type ItemResult = { ok: true; view: Body } | { ok: false; view: Body };

export function status(code: 200 | 201 | 500, as: 'number' | 'string' = 'number') {
  const message = { 200: 'Success', 201: 'Some requests have failed due to errors', 500: 'All requests have failed due to errors' }[code];
  return { success: String(code !== 500), code: as === 'number' ? code : String(code), message };
}

export function requestStatus(results: ItemResult[], as: 'number' | 'string' = 'number') {
  const ok = results.filter((r) => r.ok).length;
  return status(ok === results.length && ok > 0 ? 200 : ok > 0 ? 201 : 500, as);
}

export function itemOk(code: number, message: string, extra: Body = {}, as: 'number' | 'string' = 'string'): Body {
  return { success: 'true', code: as === 'number' ? code : String(code), message, ...extra };
}

export function itemFail(code: number, message: string): Body {
  return { success: 'false', code: String(code), message };
}

export function fail(echo: Body, code: number, message: string): ItemResult {
  return { ok: false, view: { ...echo, item_status: itemFail(code, message) } };
}

export function v2Fail(reply: FastifyReply, code: number, message: string) {
  return reply.code(400).send({ errors: [{ status: false, code, message }], warnings: [] });
}

export function unauthorised(url: string) {
  const message = 'Please check your username/password or authentication token';
  return url.includes('/v2/')
    ? { errors: [{ status: false, code: 401, message }], warnings: [] }
    : { response: { status: { success: 'false', code: 401, message } } };
}

/** XML-born lists: a single element is sent as the element itself. */
export function one<T>(items: T[]): T | T[] {
  return items.length === 1 ? items[0] : items;
}

function pointsSummary(c: Customer) {
  return {
    points_summary: [
      {
        programId: String(PROGRAM_ID), redeemed: '0', expired: '0', returned: '0', adjusted: '0',
        lifetimePoints: String(c.lifetimePoints), loyaltyPoints: String(c.loyaltyPoints),
        cumulativePurchases: formatMinorUnits(c.lifetimePurchasesCents, ORG_CURRENCY), currentSlab: 'bronze',
        nextSlab: 'silver', nextSlabSerialNumber: '2', nextSlabDescription: 'silver', slabSNo: '1',
        slabExpiryDate: '2119-09-20 23:59:59', totalPoints: '',
      },
    ],
  };
}

export function customerAddView(c: Customer): Body {
  return {
    user_id: c.userId,
    firstname: c.firstname,
    lastname: c.lastname,
    mobile: c.mobile,
    email: c.email,
    external_id: c.externalId,
    lifetime_points: c.lifetimePoints,
    loyalty_points: c.loyaltyPoints,
    current_slab: 'bronze',
    tier_expiry_date: '2119-09-20 23:59:59',
    points_summaries: pointsSummary(c),
    lifetime_purchases: Number(formatMinorUnits(c.lifetimePurchasesCents, ORG_CURRENCY)),
    registered_on: c.registeredOn,
    updated_on: c.registeredOn,
    type: 'LOYALTY',
    source: 'instore',
    test_control_status: 'TEST',
    custom_fields: { field: [] },
    extended_fields: { field: [] },
    subscriptions: { subscription: [] },
    side_effects: { effect: [] },
  };
}

export function transactionCustomerView(c: Customer): Body {
  return {
    user_id: String(c.userId),
    mobile: c.mobile,
    firstname: c.firstname,
    lastname: c.lastname,
    email: c.email,
    external_id: c.externalId,
    lifetime_points: String(c.lifetimePoints),
    loyalty_points: String(c.loyaltyPoints),
    current_slab: 'bronze',
    tier_expiry_date: '2119-09-20 23:59:59',
    points_summaries: pointsSummary(c),
    lifetime_purchases: formatMinorUnits(c.lifetimePurchasesCents, ORG_CURRENCY),
    type: 'LOYALTY',
    source: 'instore',
  };
}
