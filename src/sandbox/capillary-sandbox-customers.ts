import { formatMinorUnits } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { customerAddView, type ItemResult, fail, itemOk, requestStatus, status } from './capillary-sandbox-envelope';
import { type Body, type Query, dig, identifierEcho, identifierOf, list } from './capillary-sandbox-input';
import { CAPILLARY_SANDBOX_TILL, ORG_CURRENCY, PROGRAM_ID, VENDOR } from './capillary-sandbox-org';
import type { CapillarySandboxState } from './capillary-sandbox-state';

/** v1.1 customer/get, customer/add and customer/redemptions (the history adapters search after a lost reply). */
export class CapillarySandboxCustomers {
  constructor(
    private readonly state: CapillarySandboxState,
    private readonly journal: SandboxJournal,
  ) {}

  get(q: Query) {
    const customer = this.state.findCustomer(q) ?? this.state.findCustomerByCard(q);
    if (!customer) {
      return {
        status: { success: 'false', code: '500', message: 'All requests have failed due to errors', total: '1', success_count: '0' },
        customers: { customer: { ...identifierEcho(q), item_status: { success: 'false', code: '1012', message: 'Customer not found', warnings: [] } } },
      };
    }
    return {
      status: { success: 'true', code: '200', message: 'Success', total: '1', success_count: '1' },
      customers: {
        customer: {
          ...(q.user_id === 'true' && { user_id: String(customer.userId) }),
          firstname: customer.firstname,
          lastname: customer.lastname,
          mobile: customer.mobile,
          email: customer.email,
          external_id: customer.externalId,
          lifetime_points: String(customer.lifetimePoints),
          lifetime_purchases: formatMinorUnits(customer.lifetimePurchasesCents, ORG_CURRENCY),
          loyalty_points: String(customer.loyaltyPoints),
          current_slab: 'Silver',
          registered_on: customer.registeredOn,
          updated_on: customer.registeredOn,
          type: 'LOYALTY',
          source: 'instore',
          identifiers: [],
          gender: '',
          registered_by: CAPILLARY_SANDBOX_TILL.code,
          registered_store: { code: 'sandbox_store', name: 'Sandbox store' },
          registered_till: { code: CAPILLARY_SANDBOX_TILL.code, name: CAPILLARY_SANDBOX_TILL.code },
          fraud_details: { status: 'NONE', marked_by: [], modified_on: [] },
          trackers: [],
          current_nps_status: [],
          custom_fields: { field: [] },
          extended_fields: { field: [] },
          transactions: { transaction: [] },
          coupons: this.state.coupons
            .filter((c) => c.userId === customer.userId)
            .map((c) => ({ id: String(c.id), series_id: String(c.seriesId), code: c.code, description: c.description, created_date: c.issuedOn, valid_till: `${c.validTill} 23:59:59`, redeemed: String(c.state === 'REDEEMED') })),
          notes: [],
          item_status: { success: 'true', code: '1000', message: 'Customer successfully retrieved', warnings: [] },
        },
      },
    };
  }

  add(b: Body) {
    const results = list(dig(b, 'root', 'customer')).map((input): ItemResult => {
      const id = identifierOf(input);
      if (!id) return fail({}, 1004, 'Customer identifier is not passed');
      if (id.key === 'mobile' && !/^\d{8,15}$/.test(id.value)) return fail({}, 1001, 'Invalid Mobile Number');
      const existing = this.state.findCustomer({ [id.key]: id.value });
      if (existing) return { ok: true, view: { ...customerAddView(existing), item_status: itemOk(1000, 'Customer updated successfully', { warnings: { warning: [] } }) } };
      const customer = this.state.enrol({ ...id, input });
      this.journal.add({ vendor: VENDOR, effect: 'customer.add', reference: `user:${customer.userId}`, vendorReference: String(customer.userId) });
      return { ok: true, view: { ...customerAddView(customer), item_status: itemOk(1000, 'Customer registration successful', { warnings: { warning: [] } }) } };
    });
    const okCount = results.filter((r) => r.ok).length;
    return {
      response: {
        status: { ...requestStatus(results), total: String(results.length), success_count: String(okCount) },
        customers: { customer: results.map((r) => r.view) },
      },
    };
  }

  redemptions(q: Query) {
    const customer = this.state.findCustomer(q);
    if (!customer) {
      return { response: { status: status(500), customer: { ...identifierEcho(q), item_status: { success: 'false', code: '1012', message: 'Customer not found' } } } };
    }
    const coupons = q.type === 'points' ? [] : this.state.couponRedemptions.filter((r) => r.userId === customer.userId);
    const points = q.type === 'coupons' ? [] : this.state.pointsRedemptions.filter((r) => r.userId === customer.userId);
    return {
      response: {
        status: { success: 'true', code: '200', message: 'SUCCESS' },
        customer: {
          mobile: customer.mobile,
          email: customer.email,
          external_id: customer.externalId,
          firstname: customer.firstname,
          lastname: customer.lastname,
          rows: String(coupons.length + points.length),
          coupons_count: String(coupons.length),
          points_count: String(points.length),
          coupons_start_id: String(coupons[0]?.id ?? ''),
          points_start_id: String(points[0]?.summaryId ?? ''),
          redemptions: {
            coupons: {
              coupon: coupons.map((r) => {
                const c = this.state.coupons.find((x) => x.code === r.code);
                return {
                  id: String(r.id), code: r.code, series_id: String(c?.seriesId ?? ''), description: c?.description ?? '', discount_code: c?.discountCode ?? '',
                  discount_type: c?.discountType ?? '', transaction_number: r.transactionNumber, redeemed_time: r.time, redeemed_at: r.till,
                };
              }),
            },
            points: {
              point: points.map((r) => ({
                id: r.id,
                program_id: PROGRAM_ID,
                points_redeemed: r.points,
                transaction_number: r.transactionNumber,
                validation_code: r.validationCode,
                redeemed_time: r.time,
                redeemed_at: r.till,
                notes: r.notes,
                redeemed_store: { code: 'sandbox_store', name: 'Sandbox store' },
                redeemed_till: { code: r.till, name: r.till },
                reversals: r.reversals.map((v) => ({
                  reversal_id: v.reversalId, points_reversed: v.points, reversal_time: v.time, reversed_on_till_id: 75040399,
                  reversal_breakup_by_program: [{ program_id: PROGRAM_ID, points_reversed: v.points, program_name: '' }],
                })),
                redemption_breakup_by_program: [{ program_id: PROGRAM_ID, points_redeemed: r.points, program_name: '' }],
              })),
            },
          },
        },
      },
    };
  }
}
