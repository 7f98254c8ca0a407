import type { AppConfig } from '../../core/config/app-config';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { jsonBodyLimitOf } from './json-body-limits';

/** RFC 9457 problem details as ProblemDetailsFilter writes them (src/common/problem.ts). */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', example: '/problems/invalid-request' },
    title: { type: 'string', example: 'The request is invalid' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'lines[0].totalAmount: must be a decimal string' },
    errors: {
      type: 'array',
      description: 'Each offending field (400, and the 403/404/409/422/429 that name one)',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'lines[0].totalAmount' }, message: { type: 'string', example: 'must be a decimal string' } },
      },
    },
  },
  additionalProperties: true,
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * What the decorators cannot say, added to the generated document once: where the API is, the
 * problem+json schema of every error answer that does not carry its own body (a checkout's 422 and
 * 502 are the checkout view), the 413 of every route with a body and its limit (json-body-limits.ts),
 * and `security: []` on the routes that need no key. A route without @Roles is @Public or refused to every key, and the access
 * matrix test fails for the latter, so an operation without a security requirement is a public one.
 */
export function finishOpenApiDocument(document: OpenAPIObject, serverUrl: string): OpenAPIObject {
  document.servers = [{ url: serverUrl, description: 'This API (API_PUBLIC_URL)' }];
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const [route, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.security ??= [];
      if (operation.requestBody && !operation.responses['413']) {
        const limit = jsonBodyLimitOf(method, route);
        operation.responses['413'] = { description: `The body is larger than ${limit.label}, the most this route reads (problem+json naming body)` };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || !response || '$ref' in response || response.content) continue;
        response.content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
      }
    }
  }
  return document;
}

/** Whether the API serves /docs and /docs-json: API_DOCS when set, else everywhere but production. */
export function servesApiDocs(config: Pick<AppConfig, 'API_DOCS' | 'appEnv'>): boolean {
  return config.API_DOCS ? config.API_DOCS === 'true' : config.appEnv !== 'production';
}
