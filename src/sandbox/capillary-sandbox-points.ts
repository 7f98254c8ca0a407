import type { FastifyReply } from 'fastify';
import { formatMinorUnits } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { type ItemResult, fail, itemFail, itemOk, requestStatus, status, v2Fail } from './capillary-sandbox-envelope';
import { type Body, type Query, dig, identifierEcho, identifierOf, list, now, obj, str } from './capillary-sandbox-input';
import { CENTS_PER_POINT, ORG_CURRENCY, ORG_ID, POINTS_CURRENCY_RATIO, REVERSAL_DISABLED, VENDOR } from './capillary-sandbox-org';
import type { CapillarySandboxState, Customer, PointsRedemption } from './capillary-sandbox-state';
import type { CapillarySandboxValidation } from './capillary-sandbox-validation';

/** v1.1 points/isredeemable and points/redeem, v2 points/reverse, under the org's redemption rules. */
export class CapillarySandboxPoints {
  constructor(
    private readonly state: CapillarySandboxState,
    private readonly journal: SandboxJournal,
    private readonly validation: CapillarySandboxValidation,
  ) {}

  isRedeemable(q: Query) {
    const customer = this.state.findCustomer(q);
    const points = Number(q.points);
    // vendors.md §2, Validate points: "`isredeemable?points=N&mobile=…[&validation_code=…]`": a code offered is checked.
    const refused = this.rule(customer, points, 804) ?? (customer && this.validation.checkOffered(customer, q.validation_code));
    const valueCents = Number.isSafeInteger(points) ? points * CENTS_PER_POINT : 0;
    return {
      response: {
        status: status(200),
        points: {
          redeemable: {
            ...identifierEcho(q),
            points: String(q.points ?? ''),
            is_redeemable: String(!refused),
            points_redeem_value: Number(formatMinorUnits(valueCents, ORG_CURRENCY)),
            points_redeem_local_value: Number(formatMinorUnits(valueCents, ORG_CURRENCY)),
            points_currency_ratio: POINTS_CURRENCY_RATIO,
            item_status: refused ? itemFail(...refused) : itemOk(800, 'Points can be redeemed'),
          },
        },
      },
    };
  }

  redeem(q: Query, b: Body, till: string) {
    const results = list(dig(b, 'root', 'redeem')).map((input): ItemResult => {
      const id = identifierOf(obj(input.customer) ?? {});
      const customer = id && this.state.findCustomer({ [id.key]: id.value });
      const echo = id ? { [id.key]: id.value } : {};
      const points = Number(input.points_redeemed);
      const refused = this.rule(customer, points, 803);
      if (refused || !customer) return fail(echo, ...(refused ?? ([816, 'Unable to find customer in this organization'] as [number, string])));
      const validationCode = str(input.validation_code) ?? '';
      // "`validation_code` is mandatory unless `skip_validation=true`"; 808 / 824 (capillary-sandbox-validation.ts).
      const unvalidated = this.validation.checkPoints(customer, validationCode, q.skip_validation === 'true');
      if (unvalidated) return fail(echo, ...unvalidated);
      // Capillary keeps no key for redemptions: the same bill can be redeemed on twice.
      const transactionNumber = str(input.transaction_number) ?? '';
      const redemption: PointsRedemption = {
        id: `r${(++this.state.seq.redemption).toString(36)}`,
        summaryId: this.state.seq.redemption,
        userId: customer.userId,
        points,
        valueCents: points * CENTS_PER_POINT,
        transactionNumber,
        validationCode,
        notes: str(input.notes) ?? '',
        time: str(input.redemption_time) || now(),
        till,
        reversals: [],
      };
      this.state.pointsRedemptions.push(redemption);
      customer.loyaltyPoints -= points;
      this.journal.add({
        vendor: VENDOR, effect: 'points.redeem', reference: transactionNumber, vendorReference: redemption.id,
        amount: formatMinorUnits(redemption.valueCents, ORG_CURRENCY), details: { redemption_time: input.redemption_time },
      });
      const value = Number(formatMinorUnits(redemption.valueCents, ORG_CURRENCY));
      return {
        ok: true,
        view: {
          mobile: customer.mobile,
          email: customer.email,
          external_id: customer.externalId,
          user_id: String(customer.userId),
          redemption_id: redemption.id,
          points_redeemed: String(points),
          redeemed_value: value,
          redeemed_local_value: value,
          balance: customer.loyaltyPoints,
          side_effects: {
            effect: [
              {
                id: redemption.summaryId, case_value: 'true', num_points: points, currency_value: value, validation_code: validationCode,
                points_redemption_summary_id: String(redemption.summaryId), redeemed_on_bill_number: transactionNumber, redeemed_on_bill_id: -1, type: 'points',
              },
            ],
          },
          item_status: { success: 'true', code: 800, message: 'Points Redeemed' },
        },
      };
    });
    return { response: { status: requestStatus(results), responses: { points: results.length === 1 ? results[0].view : results.map((r) => r.view) } } };
  }

  reverse(b: Body, reply: FastifyReply) {
    // "It needs the org setting `Allow_points_redemption_reversal` (raised via Capillary ticket)"
    // (vendors.md §2): without it nothing is reversed, whatever the redemption (capillary-sandbox-org.ts).
    if (!this.state.config.allowPointsRedemptionReversal) return v2Fail(reply, ...REVERSAL_DISABLED);
    const identifier = obj(b.identifier) ?? {};
    const redemption = this.state.pointsRedemptions.find((r) => r.id === str(b.redemptionId));
    if (!redemption) return v2Fail(reply, 902, 'Redemption ID does not exist.');
    const customer = this.state.customers.find((c) => c.userId === redemption.userId);
    const key = ({ mobile: 'mobile', email: 'email', externalId: 'external_id' } as const)[str(identifier.type) as 'mobile' | 'email' | 'externalId'];
    if (!customer || !key || this.state.findCustomer({ [key]: str(identifier.value) })?.userId !== customer.userId) {
      return v2Fail(reply, 904, 'Invalid customer details passed.');
    }
    const remaining = redemption.points - redemption.reversals.reduce((s, v) => s + v.points, 0);
    if (remaining === 0) return v2Fail(reply, 3802, 'Points reversal redeemed points already reversed.');
    const points = b.pointsToBeReversed === undefined ? remaining : Number(b.pointsToBeReversed);
    if (!Number.isInteger(points) || points <= 0) return v2Fail(reply, 4102, 'points redemption reversal not allowed for invalid points');
    if (points > remaining) {
      return v2Fail(reply, 3801, 'points to be reversed should not be greater than total points redeemed against the redemption summary id');
    }
    const reversalId = `v${(++this.state.seq.reversal).toString(36)}`;
    redemption.reversals.push({ reversalId, points, time: now() });
    customer.loyaltyPoints += points;
    this.journal.add({
      vendor: VENDOR, effect: 'points.reverse', reference: redemption.transactionNumber, vendorReference: reversalId,
      amount: formatMinorUnits(points * CENTS_PER_POINT, ORG_CURRENCY),
    });
    return {
      redemptionId: redemption.id,
      pointsToBeReversed: points,
      orgId: ORG_ID,
      identifier: { type: str(identifier.type), value: str(identifier.value) },
      customerId: customer.userId,
      pointsReversed: points,
      reversalId,
      warnings: [],
    };
  }

  /** The org's redemption rules, in the order Capillary reports them. */
  private rule(customer: Customer | undefined, points: number, insufficientCode: 803 | 804): [number, string] | undefined {
    const config = this.state.config;
    if (!customer) return [816, 'Unable to find customer in this organization'];
    if (!Number.isInteger(points) || points <= 0) return [801, 'Points you are trying to redeem are invalid'];
    if (points < config.minRedeemPoints) return [821, 'Points you are trying to redeem are less than the minimum redemption limit'];
    if (points > config.maxRedeemPoints) return [819, 'Points you are trying to redeem are more than the maximum allowed redemption limit'];
    if (points % config.pointsMultiple !== 0) {
      return [807, `Unable to redeem. Make sure that the points you are trying to redeem is a multiple of ${config.pointsMultiple}`];
    }
    if (points > customer.loyaltyPoints) {
      return insufficientCode === 804
        ? [804, 'Insufficient current points']
        : [803, 'Unable to redeem. The points you are trying to redeem is more than the available points'];
    }
    return undefined;
  }
}
