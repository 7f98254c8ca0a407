import { Inject, Injectable, SetMetadata, UseInterceptors, applyDecorators, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, concatMap, from, throwError, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { recordSecurityEvent } from '../../core/security/security-events';
import type { Principal } from './principal';

const SECURITY_READ = Symbol('access:security-read');
type ReadKind = 'audit_read' | 'report_read';

/**
 * Marks a read of the audit log or of a report: each call is a security event (who = the key id,
 * what = the route and its filters, the outcome), written before the answer leaves, so a read that
 * cannot be recorded is not answered.
 */
export const SecurityRead = (kind: ReadKind) => applyDecorators(SetMetadata(SECURITY_READ, kind), UseInterceptors(SecurityReadInterceptor));

/**
 * Query values kept in the event: short strings, at most 10 of them (filters, never bodies), control
 * characters shown as `?`: a refused read's NUL cannot go into jsonb (the fuzz suite found that 500).
 */
function filtersOf(query: Request['query']): Record<string, string> {
  const shown = (text: string, max: number) => text.slice(0, max).replace(/\p{Cc}/gu, '?');
  return Object.fromEntries(
    Object.entries(query ?? {})
      .slice(0, 10)
      .map(([k, v]) => [shown(k, 40), shown(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''), 100)]),
  );
}

@Injectable()
export class SecurityReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = this.reflector.get<ReadKind | undefined>(SECURITY_READ, context.getHandler());
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = req.principal;
    if (!kind || !principal) return next.handle();
    const record = (outcome: string, status?: number) =>
      recordSecurityEvent(this.dataSource, {
        event: kind,
        merchant: principal.merchant,
        actor: `key:${principal.keyId}`,
        subject: `${req.method} ${typeof req.route?.path === 'string' ? req.route.path : req.path}`,
        outcome,
        source: req.ip ?? null,
        detail: { filters: filtersOf(req.query), ...(status !== undefined && { status }) },
      });
    return next.handle().pipe(
      concatMap((value) => from(record('ok').then(() => value))),
      catchError((err: unknown) => {
        const status = (err as { problem?: { status?: number }; getStatus?: () => number }).problem?.status ?? (err as { getStatus?: () => number }).getStatus?.() ?? 500;
        return from(record('refused', status)).pipe(concatMap(() => throwError(() => err)));
      }),
    );
  }
}
