import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import type { AppConfig } from '../../core/config/app-config';
import { OTP_RATE_LIMITED, validationCodeWorkflowId } from '../../workflows/capillary-validation-code.contract';
import { capillaryValidationCodeWorkflow } from '../../workflows/capillary-validation-code.workflow';
import { assertMayCreateAt, type Principal } from '../access/principal';
import { CAPILLARY_IDENTIFIERS } from '../checkouts/checkout.mapper';
import { invalidFields } from '../common/problem';
import { APP_CONFIG } from '../config/config.module';
import { capillaryRequest, customerNotFound, problem } from './capillary-request.problems';
import type { RequestValidationCodeDto } from './dto/request-validation-code.dto';

/**
 * Runs the OTP request as its short workflow (the API calls no vendor itself) and answers from its
 * outcome: sent, or Capillary's refusal as problem+json naming the field it concerns.
 */
@Injectable()
export class CapillaryValidationCodesService {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CustomerRefHasher) private readonly customers: CustomerRefHasher,
  ) {}

  async request(dto: RequestValidationCodeDto, caller: Principal): Promise<{ status: 'sent' }> {
    assertMayCreateAt(caller, dto.store, dto.till);
    if (!CAPILLARY_IDENTIFIERS.includes(dto.identifier.type)) {
      throw invalidFields([{ field: 'identifier.type', message: `must be one of ${CAPILLARY_IDENTIFIERS.join(', ')} for a Capillary customer` }]);
    }
    const key = { merchant: caller.merchant, store: dto.store, till: dto.till };
    const customer = { type: dto.identifier.type, value: dto.identifier.value };
    const digest = this.customers.refOf(customer).replace(/^hmac:/, '').slice(0, 32);
    const outcome = await capillaryRequest(() =>
      this.temporal.workflow.execute(capillaryValidationCodeWorkflow, {
        workflowId: validationCodeWorkflowId(key, digest, dto.points),
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ ...key, customer, points: dto.points, currency: this.config.vendorCurrencies.capillary }],
      }),
    );
    if (outcome.outcome === 'sent') return { status: 'sent' };
    const { refusal } = outcome;
    const notFound = customerNotFound(refusal);
    if (notFound) throw notFound;
    if (refusal.code === OTP_RATE_LIMITED) {
      throw problem(429, '/problems/validation-code-limit', 'No more validation codes for this customer for now', refusal.reason, 'identifier', refusal);
    }
    throw problem(422, '/problems/vendor-refused', 'Capillary refused to send a validation code', `${refusal.code}: ${refusal.reason}`, 'identifier', refusal);
  }
}
