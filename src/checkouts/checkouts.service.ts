import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { assertMayCreateAt, maySeeCheckout, type Principal } from '../access/principal';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { invalidFields, ProblemException } from '../common/problem';
import { InvalidTillBudget, tillBudgetMs, tillBudgetSettingsOf, tillDeadlines, type TillBudgetSettings, type TillPhase } from '../../core/checkouts/till-budget';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import { CheckoutCallbacks } from '../callbacks/checkout-callbacks';
import { StoreDirectory } from '../../core/stores/store-directory';
import { minorUnits, toCheckoutInput } from './checkout.mapper';
import { checkoutRequestHash } from './checkout-request-hash';
import { CheckoutSagaClient, type PhaseOutcome } from '../../core/checkouts/checkout-saga.client';
import type { CreateCheckoutDto } from './dto/create-checkout.dto';
import type { CommitCheckoutDto, CompleteCheckoutDto } from './dto/phase-requests.dto';

export interface CheckoutAnswer extends PhaseOutcome {
  currency: string;
  /** True when this request did not start the saga: the POS retried, or sent it twice at once. */
  replayed: boolean;
}

@Injectable()
export class CheckoutsService {
  constructor(
    @Inject(CheckoutSagaClient) private readonly sagas: CheckoutSagaClient,
    @Inject(CheckoutsRepository) private readonly checkouts: CheckoutsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(StoreDirectory) private readonly stores: StoreDirectory,
    @Inject(CheckoutCallbacks) private readonly callbacks: CheckoutCallbacks,
  ) {
    this.budgets = tillBudgetSettingsOf(config);
  }

  private readonly budgets: TillBudgetSettings;

  /**
   * Starts the checkout's saga (or re-attaches to it) and answers with the quote, or with the
   * receipt when the POS asked for all three phases at once. The workflow id is the idempotency
   * key; the request's hash in the memo tells a retry from a different sale reusing the key.
   */
  async create(dto: CreateCheckoutDto, caller: Principal, budgetHeader?: string): Promise<CheckoutAnswer> {
    const arrivedAt = Date.now();
    assertMayCreateAt(caller, dto.store, dto.till);
    const oneShot = dto.complete === true;
    const budget = this.tillDeadlines(oneShot ? 'oneShot' : 'reserve', caller, budgetHeader, arrivedAt);
    const stores = await this.stores.lookUp(caller.merchant, [dto.store]);
    const input = toCheckoutInput(dto, caller.merchant, this.config, { stores });
    const requestHash = checkoutRequestHash(dto);
    const requestId = randomUUID();
    const { outcome, memo } = await this.sagas.reserve(input, { requestHash, requestId, currency: input.currency }, budget.answerBy, {
      oneShot,
      tillDeadline: budget.steps,
    });
    if (memo.requestHash !== requestHash) {
      throw new ProblemException({
        type: '/problems/idempotency-conflict',
        title: 'This checkout key was already used for a different request',
        status: 409,
        detail: `store ${input.store}, till ${input.till}, posReference ${input.posReference} already identify another checkout`,
        checkoutId: input.checkoutId,
      });
    }
    const replayed = memo.requestId !== requestId;
    if (outcome.pending) await this.callbacks.answeredPending(input.checkoutId);
    // One-shot: the saga itself ran all three phases (still running at the deadline: 202, and it finishes).
    return { ...outcome, currency: input.currency, replayed };
  }

  async commit(checkoutId: string, dto: CommitCheckoutDto, caller: Principal, budgetHeader?: string): Promise<CheckoutAnswer> {
    const budget = this.tillDeadlines('commit', caller, budgetHeader, Date.now());
    const currency = await this.currencyOf(checkoutId, caller);
    const errors: Array<{ field: string; message: string }> = [];
    const spendMinor = dto.spend ? minorUnits(errors, 'spend.amount', dto.spend.amount, currency) : undefined;
    if (errors.length) throw new ProblemException({ type: '/problems/invalid-request', title: 'The request is invalid', status: 400, errors });
    return { ...(await this.pendingCalledBack(checkoutId, this.sagas.drive(checkoutId, 'commit', { spendMinor }, budget.answerBy, budget.steps))), currency, replayed: false };
  }

  /**
   * After payment nothing is left out: a vendor still retried at the budget's end gets the till a 202
   * (the receipt follows by callback or GET), and the saga carries on.
   */
  async complete(checkoutId: string, dto: CompleteCheckoutDto, caller: Principal, budgetHeader?: string): Promise<CheckoutAnswer> {
    const budget = this.tillDeadlines('complete', caller, budgetHeader, Date.now());
    const currency = await this.currencyOf(checkoutId, caller);
    const errors: Array<{ field: string; message: string }> = [];
    const paidMinor = dto.tender ? minorUnits(errors, 'tender.paid', dto.tender.paid, currency) : undefined;
    if (errors.length) throw new ProblemException({ type: '/problems/invalid-request', title: 'The request is invalid', status: 400, errors });
    return { ...(await this.pendingCalledBack(checkoutId, this.sagas.drive(checkoutId, 'complete', { paidMinor, method: dto.tender?.method }, budget.answerBy))), currency, replayed: false };
  }

  /** A phase answered 202 marks its checkout for the callback when it ends (core/callbacks). */
  private async pendingCalledBack(checkoutId: string, answer: Promise<PhaseOutcome>): Promise<PhaseOutcome> {
    const outcome = await answer;
    if (outcome.pending) await this.callbacks.answeredPending(checkoutId);
    return outcome;
  }

  /** The till's budget for this call (core/checkouts/till-budget.ts): a bad Till-Budget-Ms header is a 400 naming it. */
  private tillDeadlines(phase: TillPhase, caller: Principal, header: string | undefined, arrivedAt: number) {
    try {
      return tillDeadlines(this.budgets, arrivedAt, tillBudgetMs(this.budgets, phase, caller.merchant, header));
    } catch (err) {
      if (err instanceof InvalidTillBudget) throw invalidFields([{ field: 'header Till-Budget-Ms', message: err.message }]);
      throw err;
    }
  }

  async cancel(checkoutId: string, caller: Principal): Promise<CheckoutAnswer> {
    const currency = await this.currencyOf(checkoutId, caller);
    return { ...(await this.pendingCalledBack(checkoutId, this.sagas.drive(checkoutId, 'cancel'))), currency, replayed: false };
  }

  /** The projection when the saga has recorded a state; the running saga's own view before that. */
  async findOne(checkoutId: string, caller: Principal): Promise<{ view: CheckoutView; currency: string }> {
    assertVisible(caller, checkoutId);
    const row = await this.checkouts.findVisibleTo(caller, checkoutId);
    if (row?.view) return { view: row.view, currency: row.currency };
    const view = await this.sagas.view(checkoutId);
    const memo = await this.sagas.memo(checkoutId);
    if (!view || !memo) throw notFound(checkoutId);
    return { view, currency: String(memo.currency ?? row?.currency ?? 'EUR') };
  }

  private async currencyOf(checkoutId: string, caller: Principal): Promise<string> {
    assertVisible(caller, checkoutId);
    const row = await this.checkouts.findVisibleTo(caller, checkoutId);
    if (row) return row.currency;
    const memo = await this.sagas.memo(checkoutId);
    if (!memo || typeof memo.currency !== 'string') throw notFound(checkoutId);
    return memo.currency;
  }
}

/** A checkout id names its merchant, store and till; one outside the key's scope does not exist for it. */
function assertVisible(caller: Principal, checkoutId: string): void {
  if (!maySeeCheckout(caller, checkoutId)) throw notFound(checkoutId);
}

function notFound(checkoutId: string): ProblemException {
  return new ProblemException({ type: '/problems/not-found', title: 'No such checkout', status: 404, detail: `checkout ${checkoutId} does not exist` });
}
