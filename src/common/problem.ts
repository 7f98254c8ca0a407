import { HttpException } from '@nestjs/common';

/** RFC 9457 problem details; `errors` names each offending field with a JSON-path-like pointer. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }
}

export function invalidFields(errors: Array<{ field: string; message: string }>): ProblemException {
  return new ProblemException({
    type: '/problems/invalid-request',
    title: 'The request is invalid',
    status: 400,
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}
