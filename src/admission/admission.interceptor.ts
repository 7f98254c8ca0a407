import { applyDecorators, Inject, Injectable, SetMetadata, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { finalize, tap, type Observable } from 'rxjs';
import type { AppConfig } from '../../core/config/app-config';
import { InvalidTillBudget, TILL_BUDGET_HEADER, tillBudgetMs, tillBudgetSettingsOf, type TillBudgetSettings, type TillPhase } from '../../core/checkouts/till-budget';
import type { Principal } from '../access/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AdmissionKind } from './admission-metrics';
import { CheckoutAdmission } from './checkout-admission';
import { isTemporalExhausted } from './overloaded.problem';

const ADMISSION_KIND = Symbol('admission:kind');

/**
 * On a route that starts checkout work: refused with 503 before the handler runs (so before any
 * Temporal call or database write) when the engine could not answer within the till's budget.
 * Runs after the guards: a request without a valid key is still 401, over its key's rate 429.
 */
export function ShedWhenOverloaded(kind: AdmissionKind) {
  return applyDecorators(
    SetMetadata(ADMISSION_KIND, kind),
    UseInterceptors(AdmissionInterceptor),
    ApiServiceUnavailableResponse({ description: 'Or overloaded (`/problems/overloaded`): the engine could not answer within the budget; nothing was started; sell without loyalty or retry after Retry-After' }),
  );
}

@Injectable()
export class AdmissionInterceptor implements NestInterceptor {
  private readonly budgets: TillBudgetSettings;

  constructor(
    @Inject(CheckoutAdmission) private readonly admission: CheckoutAdmission,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.budgets = tillBudgetSettingsOf(config);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const kind = this.reflector.get<AdmissionKind | undefined>(ADMISSION_KIND, context.getHandler()) ?? 'checkout';
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const ticket = await this.admission.admit(kind, this.budgetOf(req, kind));
    let answered = false;
    return next.handle().pipe(
      tap({
        next: () => {
          answered = true;
        },
        error: (err: unknown) => {
          if (isTemporalExhausted(err)) this.admission.shed(kind, 'temporal-exhausted');
        },
      }),
      finalize(() => ticket.release(answered)),
    );
  }

  /** The till's budget for this call: one-shot or reserve by the (not yet validated) body; a batch by the reserve's. */
  private budgetOf(req: Request & { principal?: Principal }, kind: AdmissionKind): number {
    const phase: TillPhase = kind === 'checkout' && (req.body as { complete?: unknown } | undefined)?.complete === true ? 'oneShot' : 'reserve';
    const merchant = req.principal?.merchant ?? '';
    try {
      return tillBudgetMs(this.budgets, phase, merchant, kind === 'checkout' ? req.headers[TILL_BUDGET_HEADER] : undefined);
    } catch (err) {
      // A malformed header is the handler's 400 to give (naming it); admission judges by the default.
      if (err instanceof InvalidTillBudget) return tillBudgetMs(this.budgets, phase, merchant, undefined);
      throw err;
    }
  }
}
