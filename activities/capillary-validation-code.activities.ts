import { Context } from '@temporalio/activity';
import type { AuditWriter } from '../core/audit/audit-writer';
import type { EffectIntentsRepository } from '../core/effects/effect-intents.repository';
import type { ValidationCodeInput } from '../workflows/capillary-validation-code.contract';
import { currentAuditScope, vendorCallContext } from './activity-scope';
import type { ValidationCodeCapability } from './vendors/capabilities';

/** The OTP request of POST /v1/capillary/validation-codes (workflows/capillary-validation-code.workflow.ts). */
export function createValidationCodeActivities(deps: { validationCodes: ValidationCodeCapability; audit: AuditWriter; intents: EffectIntentsRepository }) {
  return {
    async requestCapillaryValidationCode(input: ValidationCodeInput): Promise<{ sent: true }> {
      // Audited under the request's own workflow id, the till's scope, the customer by keyed hash only.
      const requestId = Context.current().info.workflowExecution?.workflowId ?? 'capillary-otp';
      const scope = currentAuditScope({ ...input, posReference: requestId, checkoutId: requestId }, 'validation code');
      scope.customerRef = deps.audit.customers.refOf(input.customer);
      return deps.validationCodes.requestValidationCode(vendorCallContext(deps, scope, requestId), input.customer, input.points);
    },
  };
}
