import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import type { AppConfig } from '../../core/config/app-config';
import { validationCodeWorkflowId, type ValidationCodeOutcome } from '../../workflows/capillary-validation-code.contract';
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
    const outcome: ValidationCodeOutcome = await this.temporal.workflow.execute(capillaryValidationCodeWorkflow, {
      workflowId: validationCodeWorkflowId(key, digest, dto.points),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ ...key, customer, points: dto.points, currency: this.config.vendorCurrencies.capillary }],
    });
    if (outcome.outcome === 'sent') return { status: 'sent' };
    const { refusal } = outcome;
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
}
