import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { jsonBodyLimitOf, type JsonBodyLimit } from './json-body-limits';
import { JSON_DEPTH_LIMIT, tooDeepPath } from './json-depth';
import { invalidFields, ProblemException } from './problem';

/**
 * The API's JSON body parser: each route's size limit (json-body-limits.ts), then the nesting depth,
 * both before routing, guards and validation. A body refused here starts nothing and is audited nowhere:
 * 413 beyond the size, 400 naming the path where it is nested too deep.
 */
export function jsonBody(): RequestHandler {
  const parsers = new Map<number, RequestHandler>();
  const parserOf = (bytes: number) => {
    let parser = parsers.get(bytes);
    if (!parser) parsers.set(bytes, (parser = json({ limit: bytes })));
    return parser;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const limit = jsonBodyLimitOf(req.method, req.path);
    parserOf(limit.bytes)(req, res, (err?: unknown) => {
      if (err) return next(isTooLarge(err) ? bodyTooLarge(limit, `${req.method} ${req.path}`) : err);
      const path = tooDeepPath(req.body);
      if (path !== undefined) return next(invalidFields([{ field: path, message: `nests deeper than ${JSON_DEPTH_LIMIT} levels of objects and arrays` }]));
      next();
    });
  };
}

const isTooLarge = (err: unknown) => (err as { type?: unknown } | null)?.type === 'entity.too.large';

function bodyTooLarge(limit: JsonBodyLimit, route: string): ProblemException {
  const message = `is larger than ${limit.label}, the most ${route} takes`;
  return new ProblemException({
    type: '/problems/body-too-large',
    title: 'The request body is too large',
    status: 413,
    detail: `body: ${message}`,
    errors: [{ field: 'body', message }],
  });
}
