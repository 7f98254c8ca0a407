import { capillaryBillNumberOf, type CheckoutRef } from '../workflows/checkout.contract';
import { checkoutStepContext, customerStepContext, type StepDeps } from './activity-scope';
import type { CustomerIdentifier, EnrolmentDetails, PointsCapability, PointsCheck, PointsCustomer, PointsRedemption } from './vendors/capabilities';

/** Capillary points steps. The bill number (capillaryBillNumberOf) ties a redemption to its sale. */
export function createPointsActivities({ points, ...deps }: { points: PointsCapability } & StepDeps) {
  const ctx = (ref: CheckoutRef, step: string) => checkoutStepContext(deps, ref, step, capillaryBillNumberOf(ref));
  return {
    /** `enrol`: the customer's details (CheckoutInput.points.enrol): an unknown customer is enrolled with them. */
    async findPointsCustomer(ref: CheckoutRef, identifier: CustomerIdentifier, enrol?: EnrolmentDetails): Promise<PointsCustomer> {
      return points.findCustomer(customerStepContext(deps, ref, 'points customer', identifier), identifier, enrol ? { enrol } : {});
    },

    /** `validationCode`: the customer's OTP (CheckoutInput.points.validationCode), passed only when the till sent one. */
    async checkPoints(ref: CheckoutRef, customer: PointsCustomer, count: number, validationCode?: string): Promise<PointsCheck> {
      return points.checkPoints(ctx(ref, 'points check'), customer, count, validationCode);
    },

    async redeemPoints(ref: CheckoutRef, customer: PointsCustomer, count: number, validationCode?: string): Promise<PointsRedemption> {
      return points.redeemPoints(ctx(ref, 'points redeem'), customer, count, validationCode);
    },

    /** Undo of redeemPoints; with the redemption unknown (lost reply) it is looked up by bill first. */
    async reversePoints(
      ref: CheckoutRef,
      customer: PointsCustomer,
      redemption: PointsRedemption | null,
      count: number,
    ): Promise<{ alreadyReversed: boolean }> {
      const call = ctx(ref, 'points reverse');
      const known = redemption ?? (await points.findRedemption(call, customer, count));
      if (!known) return { alreadyReversed: true };
      return points.reversePoints(call, customer, known);
    },
  };
}
