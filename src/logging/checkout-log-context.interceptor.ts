import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Observable } from 'rxjs';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { checkoutLogFields } from './checkout-log-context';

/** Binds checkoutId and workflowId to every log line of a checkout request, once routing knows the id. */
@Injectable()
export class CheckoutLogContextInterceptor implements NestInterceptor {
  constructor(
    @Inject(PinoLogger) private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const fields = checkoutLogFields(context.switchToHttp().getRequest(), this.config.MERCHANT_ID);
      if (fields.workflowId) this.logger.assign(fields);
    }
    return next.handle();
  }
}
