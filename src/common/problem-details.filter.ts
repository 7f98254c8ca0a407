import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable } from '../../core/database/database-unavailable';
import { SagaRefusal } from '../../core/checkouts/saga-refusal';
import type { ProblemDetails } from './problem';
import { sagaRefusalProblem } from './saga-refusal.problem';
import { someCause } from './error-causes';
import { isTemporalExhausted, OVERLOADED_PROBLEM_TYPE, overloadedProblem } from '../admission/overloaded.problem';

/**
 * Every error leaves the API as application/problem+json. Anything we did not anticipate is a 500
 * whose detail says nothing internal; the log has the stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception);
    // An outage answers 503 to every request until it ends: one line each, not a stack each. Not a
    // load shedding refusal: the admission writes those at most a line a second (src/admission/shed-log.ts).
    if (problem.status === 503) {
      if (problem.type !== OVERLOADED_PROBLEM_TYPE) this.logger.warn(`${problem.detail}: ${exception instanceof Error ? exception.message : String(exception)}`);
    } else if (problem.status >= 500) this.logger.error(exception);
    if (typeof problem.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(problem.retryAfterSeconds));
    // A 401 names its scheme in the header (RFC 9110), not in the body.
    const { wwwAuthenticate, ...body } = problem;
    if (typeof wwwAuthenticate === 'string') response.setHeader('WWW-Authenticate', wwwAuthenticate);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

function toProblem(exception: unknown): ProblemDetails {
  if (exception instanceof SagaRefusal) return sagaRefusalProblem(exception);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null && 'type' in body && 'title' in body) return body as ProblemDetails;
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
    return {
      type: `/problems/http-${status}`,
      title: HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase() ?? 'error',
      status,
      detail,
      // A 400 that is not a validation problem is an unreadable body (malformed JSON, wrong type).
      ...(status === 400 && { errors: [{ field: 'body', message: detail }] }),
    };
  }
  const bodyParserStatus = (exception as { status?: number; type?: string } | null)?.status;
  if (typeof bodyParserStatus === 'number' && bodyParserStatus >= 400 && bodyParserStatus < 500) {
    return {
      type: '/problems/unreadable-body',
      title: 'The request body could not be read',
      status: bodyParserStatus,
      detail: (exception as Error).message,
      errors: [{ field: 'body', message: (exception as Error).message }],
    };
  }
  // Temporal's own rate limit refused the call (nothing started): the same 503 as the API's load shedding.
  if (isTemporalExhausted(exception)) return overloadedProblem('The workflow engine is over its rate limit', 1);
  if (isTemporalUnavailable(exception)) {
    // Nothing was started or changed: the POS retries with the same key after Retry-After.
    return {
      type: '/problems/temporarily-unavailable',
      title: 'The checkout service is temporarily unavailable',
      status: 503,
      detail: 'The workflow engine cannot be reached; retry the same request shortly',
      retryAfterSeconds: 5,
    };
  }
  if (isDatabaseUnavailable(exception)) {
    // Postgres restarting or unreachable: a read the POS can repeat in a moment.
    return {
      type: '/problems/temporarily-unavailable',
      title: 'The checkout service is temporarily unavailable',
      status: 503,
      detail: 'The database cannot be reached; retry the same request shortly',
      retryAfterSeconds: 5,
    };
  }
  return { type: '/problems/internal', title: 'Internal error', status: 500, detail: 'An unexpected error occurred; it has been logged' };
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from the Temporal client, at any depth of causes. */
function isTemporalUnavailable(exception: unknown): boolean {
  return someCause(exception, (code) => code === 14 || code === 4);
}
