import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowExecutionInfo } from '@temporalio/client';

/** The fields a summary needs, common to a list entry and a description. */
type ExecutionFacts = Omit<WorkflowExecutionInfo, 'raw'>;
import { SearchAttributes, type CheckoutState } from '../../workflows/checkout.contract';
import { retryCompensation } from '../../workflows/checkout.messages';
import { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import { ProblemException } from '../common/problem';
import { maySeeCheckout, storeInScope, type Principal } from '../access/principal';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { ListSagasQueryDto } from './dto/list-sagas.dto';
import { OpsAudit, type OpsAction } from './ops-audit';
import { sagaListQuery } from './saga-list-query';
import { decodeFailureMessages } from './decoded-failures';
import { sagaSteps } from './saga-steps';

/** Until API keys land every ops call acts as `ops`; then the key id goes here. */
/** Who did it, in the audit row and the Temporal identity: the API key's id, never the key. */
function actorOf(caller: Principal): string {
  return `key:${caller.keyId}`;
}

export interface SagaSummary {
  checkoutId: string;
  runId: string;
  status: string;
  state?: string;
  store?: string;
  till?: string;
  vendors: string[];
  failingStep?: string;
  startTime: string;
  closeTime?: string;
}

/**
 * Ops over checkout sagas: listing through Temporal visibility (the search attributes), details from
 * the workflow's history and the projection, and the two actions (retry, cancel), each audited.
 */
@Injectable()
export class OpsService {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(CheckoutsRepository) private readonly checkouts: CheckoutsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OpsAudit) private readonly audit: OpsAudit,
    @Inject(AuditEventsRepository) private readonly auditEvents: AuditEventsRepository,
  ) {}

  async list(filter: ListSagasQueryDto, caller: Principal): Promise<{ query: string; sagas: SagaSummary[] }> {
    const store = storeInScope(caller, filter.store);
    const query = sagaListQuery(caller.merchant, { ...filter, ...(store !== undefined && { store }), ...(caller.till !== null && { till: caller.till }) });
    const limit = filter.limit ?? 50;
    const sagas: SagaSummary[] = [];
    for await (const info of this.temporal.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      sagas.push(summarise(info));
      if (sagas.length >= limit) break;
    }
    return { query, sagas };
  }

  async detail(checkoutId: string, caller: Principal) {
    const description = await this.describe(checkoutId, caller);
    const history = await this.temporal.workflow.getHandle(checkoutId, description.runId).fetchHistory();
    const pending = description.raw.pendingActivities ?? [];
    await decodeFailureMessages(history.events ?? [], pending, this.temporal.options.loadedDataConverter.payloadCodecs);
    const projection = await this.checkouts.findById(checkoutId);
    const references = await this.auditEvents.vendorReferencesOf(checkoutId);
    const opsActions = await this.auditEvents.opsActionsOf(checkoutId);
    const view = projection?.view;
    return {
      ...summarise(description),
      failureReason: view?.failureReason ?? projection?.failureReason ?? undefined,
      compensations: view?.compensations ?? [],
      steps: sagaSteps(history.events ?? [], pending),
      vendorReferences: references.map((r) => ({ vendor: r.vendor, operation: r.operation, reference: r.vendorReference, at: r.recordedAt })),
      opsActions: opsActions.map((a) => ({ operation: a.operation, outcome: a.outcome, actor: a.actor, detail: a.errorMessage, at: a.recordedAt })),
    };
  }

  /**
   * Re-drives a saga. In compensation_failed: the retryCompensation Update runs the undos that failed
   * again in the same run (see checkout.workflow.ts for why not a reset). Otherwise a step stuck in
   * retries is reset: its attempts start again from 1, now, instead of after the backoff.
   */
  async retry(checkoutId: string, caller: Principal) {
    const description = await this.describe(checkoutId, caller);
    const base = this.actionBase(checkoutId, description, caller);
    const state = description.typedSearchAttributes.get(SearchAttributes.state) as CheckoutState | undefined;
    if (description.status.name !== 'RUNNING') {
      return this.refuse(base, 'retry', state === 'compensation_failed'
        ? 'this saga closed in compensation_failed before ops retries existed: reset it (README, Runbook)'
        : `the saga is closed (${state ?? description.status.name}); there is nothing to retry`);
    }
    if (state === 'compensation_failed') {
      try {
        const view = await this.handleOf(checkoutId).executeUpdate(retryCompensation, { updateId: `ops-retry:${randomUUID()}` });
        await this.audit.record(base.actor, { ...base, operation: 'retry_compensation', outcome: view.state, detail: view.state === 'compensated' ? undefined : view.failureReason });
        return { action: 'retry_compensation', state: view.state, view };
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
        return this.refuse(base, 'retry_compensation', err.cause?.message ?? err.message);
      }
    }
    const stuck = (description.raw.pendingActivities ?? []).filter((a) => (a.attempt ?? 1) > 1 || a.lastFailure);
    if (stuck.length === 0) return this.refuse(base, 'retry', `the saga is ${state ?? 'running'} with no failing step to retry`);
    for (const activity of stuck) {
      await this.temporal.workflowService.resetActivity({
        namespace: this.config.TEMPORAL_NAMESPACE,
        execution: { workflowId: checkoutId, runId: description.runId },
        id: activity.activityId,
        identity: `checkout-saga ops (${base.actor})`,
      });
    }
    const reset = stuck.map((a) => `${a.activityType?.name ?? 'activity'}#${a.activityId}`);
    await this.audit.record(base.actor, { ...base, operation: 'reset_activity', outcome: 'requested', detail: reset.join(', ') });
    return { action: 'reset_activity', state, activities: reset };
  }

  /**
   * Requests cancellation: a live saga undoes its effects (cancelled), unless the sale is paid (its complete
   * phase has started: it completes); one in compensation_failed closes as it is.
   */
  async cancel(checkoutId: string, caller: Principal) {
    const description = await this.describe(checkoutId, caller);
    const base = this.actionBase(checkoutId, description, caller);
    const state = description.typedSearchAttributes.get(SearchAttributes.state) as string | undefined;
    if (description.status.name !== 'RUNNING') return this.refuse(base, 'cancel', `the saga is closed (${state ?? description.status.name})`);
    await this.handleOf(checkoutId).cancel();
    await this.audit.record(base.actor, { ...base, operation: 'cancel', outcome: 'requested', detail: `state was ${state ?? 'unknown'}` });
    return { action: 'cancel', state, requested: true };
  }

  private async refuse(base: Omit<OpsAction, 'operation' | 'outcome'> & { actor: string }, operation: string, detail: string): Promise<never> {
    await this.audit.record(base.actor, { ...base, operation, outcome: 'refused', detail });
    throw new ProblemException({ type: '/problems/invalid-saga-state', title: 'The saga cannot do that now', status: 409, detail });
  }

  private actionBase(checkoutId: string, d: ExecutionFacts, caller: Principal): Omit<OpsAction, 'operation' | 'outcome'> & { actor: string } {
    return {
      actor: actorOf(caller),
      checkoutId,
      runId: d.runId,
      merchant: caller.merchant,
      store: (d.typedSearchAttributes.get(SearchAttributes.store) as string | undefined) ?? '',
      till: (d.typedSearchAttributes.get(SearchAttributes.till) as string | undefined) ?? '',
    };
  }

  /** Only this merchant's checkout sagas exist for its ops; anything else is 404, like a missing one. */
  private async describe(checkoutId: string, caller: Principal) {
    if (!maySeeCheckout(caller, checkoutId)) throw notFound(checkoutId);
    try {
      return await this.handleOf(checkoutId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(checkoutId);
      throw err;
    }
  }

  private handleOf(checkoutId: string) {
    return this.temporal.workflow.getHandle(checkoutId);
  }
}

function summarise(info: ExecutionFacts): SagaSummary {
  const sa = info.typedSearchAttributes;
  return {
    checkoutId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    state: sa.get(SearchAttributes.state) as string | undefined,
    store: sa.get(SearchAttributes.store) as string | undefined,
    till: sa.get(SearchAttributes.till) as string | undefined,
    vendors: (sa.get(SearchAttributes.vendors) as string[] | undefined) ?? [],
    failingStep: sa.get(SearchAttributes.failingStep) as string | undefined,
    startTime: info.startTime.toISOString(),
    ...(info.closeTime && { closeTime: info.closeTime.toISOString() }),
  };
}

function notFound(checkoutId: string): ProblemException {
  return new ProblemException({ type: '/problems/not-found', title: 'No such saga', status: 404, detail: `checkout saga ${checkoutId} does not exist` });
}
