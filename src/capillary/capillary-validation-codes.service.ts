import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import type { AppConfig } from '../../core/config/app-config';
import { OTP_RATE_LIMITED, validationCodeWorkflowId, type ValidationCodeInput, type ValidationCodeOutcome } from '../../workflows/capillary-validation-code.contract';
import { capillaryValidationCodeWorkflow } from '../../workflows/capillary-validation-code.workflow';
import { assertMayCreateAt, type Principal } from '../access/principal';
import { CAPILLARY_IDENTIFIERS } from '../checkouts/checkout.mapper';
import { invalidFields, ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config.module';
import type { RequestValidationCodeDto } from './dto/request-validation-code.dto';

/** Capillary's "customer not found" codes (vendors.md §2: 1011 / 1012, also 816). */
const CUSTOMER_NOT_FOUND = new Set(['1011', '1012', '816']);

/**
 * Runs the OTP request as its short workflow (the API calls no vendor itself) and answers from its
 * outcome: sent, or Capillary's refusal as problem+json naming the field it concerns.
 */
@Injectable()
export class CapillaryValidationCodesService {
  private readonly customers: CustomerRefHasher;

  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.customers = new CustomerRefHasher(config.auditHmacKey);
  }

  async request(dto: RequestValidationCodeDto, caller: Principal): Promise<{ status: 'sent' }> {
    assertMayCreateAt(caller, dto.store, dto.till);
    if (!CAPILLARY_IDENTIFIERS.includes(dto.identifier.type)) {
      throw invalidFields([{ field: 'identifier.type', message: `must be one of ${CAPILLARY_IDENTIFIERS.join(', ')} for a Capillary customer` }]);
    }
    const key = { merchant: caller.merchant, store: dto.store, till: dto.till };
    const customer = { type: dto.identifier.type, value: dto.identifier.value };
    const digest = this.customers.refOf(customer).replace(/^hmac:/, '').slice(0, 32);
    const outcome = await this.run(validationCodeWorkflowId(key, digest, dto.points), { ...key, customer, points: dto.points, currency: this.config.vendorCurrencies.capillary });
    if (outcome.outcome === 'sent') return { status: 'sent' };
    const { refusal } = outcome;
    if (refusal.code === OTP_RATE_LIMITED) {
      throw new ProblemException({
        type: '/problems/validation-code-limit',
        title: 'No more validation codes for this customer for now',
        status: 429,
        detail: `identifier: ${refusal.reason}`,
        errors: [{ field: 'identifier', message: refusal.reason }],
        refusal,
      });
    }
    if (CUSTOMER_NOT_FOUND.has(refusal.code)) {
      throw new ProblemException({
        type: '/problems/customer-not-found',
        title: 'Capillary does not know this customer',
        status: 404,
        detail: 'identifier.value: no Capillary customer has this identifier; nothing was sent',
        errors: [{ field: 'identifier.value', message: 'no Capillary customer has this identifier' }],
        refusal,
      });
    }
    throw new ProblemException({
      type: '/problems/vendor-refused',
      title: 'Capillary refused to send a validation code',
      status: 422,
      detail: `${refusal.code}: ${refusal.reason}`,
      errors: [{ field: 'identifier', message: refusal.reason }],
      refusal,
    });
  }

  /** The request's workflow, waited for. Capillary still failing after its retries is a 503 the till may retry. */
  private async run(workflowId: string, input: ValidationCodeInput): Promise<ValidationCodeOutcome> {
    try {
      return await this.temporal.workflow.execute(capillaryValidationCodeWorkflow, {
        workflowId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [input],
      });
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      throw new ProblemException({
        type: '/problems/vendor-unavailable',
        title: 'Capillary could not be reached',
        status: 503,
        detail: 'Capillary did not answer the validation code request after its retries; no code may have been sent, ask again shortly',
        retryAfterSeconds: 5,
      });
    }
  }
}
