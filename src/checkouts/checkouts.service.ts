import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { stringify } from 'safe-stable-stringify';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ProblemException } from '../common/problem';
import { SearchAttributes, type CheckoutInput } from '../../workflows/checkout.contract';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import { Checkout } from './checkout.entity';
import { toCheckoutInput, toCheckoutResponse, toReceiptDto } from './checkout.mapper';
import type { CheckoutResponseDto } from './dto/checkout-response.dto';
import type { CreateCheckoutDto } from './dto/create-checkout.dto';

export interface CheckoutOutcome {
  response: CheckoutResponseDto;
  /** True when this request did not start the saga: the POS retried, or sent it twice at once. */
  replayed: boolean;
}

@Injectable()
export class CheckoutsService {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Starts (or re-attaches to) the checkout's saga and waits for its result. The workflow id is the
   * idempotency key; the request's hash in the memo tells a retry from a different sale reusing it.
   */
  async runOneShot(dto: CreateCheckoutDto): Promise<CheckoutOutcome> {
    const input = toCheckoutInput(dto, this.config.MERCHANT_ID);
    const requestHash = createHash('sha256').update(stringify(dto)).digest('hex');
    const requestId = randomUUID();
    const handle = await this.startOrAttach(input, { requestHash, requestId });
    const { memo } = await handle.describe();
    if (memo?.requestHash !== requestHash) {
      throw new ProblemException({
        type: '/problems/idempotency-conflict',
        title: 'This checkout key was already used for a different request',
        status: 409,
        detail: `store ${input.store}, till ${input.till}, posReference ${input.posReference} already identify another checkout`,
        checkoutId: input.checkoutId,
      });
    }
    const result = await handle.result();
    return { response: toCheckoutResponse(result), replayed: memo?.requestId !== requestId };
  }

  async findOne(checkoutId: string): Promise<CheckoutResponseDto> {
    const row = await this.dataSource.getRepository(Checkout).findOneBy({ id: checkoutId, merchant: this.config.MERCHANT_ID });
    if (!row) {
      throw new ProblemException({
        type: '/problems/not-found',
        title: 'No such checkout',
        status: 404,
        detail: `checkout ${checkoutId} does not exist`,
      });
    }
    return {
      checkoutId: row.id,
      state: row.state,
      ...(row.receipt && { receipt: toReceiptDto(row.receipt) }),
    };
  }

  private async startOrAttach(
    input: CheckoutInput,
    memo: { requestHash: string; requestId: string },
  ): Promise<WorkflowHandle<typeof checkoutWorkflow>> {
    try {
      return await this.temporal.workflow.start(checkoutWorkflow, {
        workflowId: input.checkoutId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        // A running saga with this id is the same checkout: attach to it. A closed one never runs again.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo,
        typedSearchAttributes: [
          { key: SearchAttributes.merchant, value: input.merchant },
          { key: SearchAttributes.store, value: input.store },
          { key: SearchAttributes.till, value: input.till },
          { key: SearchAttributes.vendors, value: [input.customer.provider] },
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.temporal.workflow.getHandle(input.checkoutId);
      throw err;
    }
  }
}
