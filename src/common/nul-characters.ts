import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalidFields } from './problem';

/**
 * Postgres text and jsonb cannot hold U+0000: a NUL in a path parameter, a query parameter or a body
 * string reached a query as "invalid byte sequence for encoding UTF8: 0x00" and answered 500 (found by
 * the fuzz suite, test/integration/api-fuzz.test.ts). No field of the API has a use for it, so it is
 * refused before validation: 400 naming the field. Iterative, like tooDeepPath, and bounded by the
 * body's size (the depth was checked when the body was parsed).
 */
export function nulPath(value: unknown, root = ''): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: root }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value: v, path } = item;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path || 'body';
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    // Pushed last to first, so the first NUL in document order is the one named.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childPath = typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (typeof key === 'string' && key.includes('\u0000')) return path || 'body';
      pending.push({ value: child, path: childPath });
    }
  }
  return undefined;
}

/** The global pipe in front of validation: a parameter, query or body with a NUL is a 400, never a query. */
@Injectable()
export class NulCharacterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const path = nulPath(value, metadata.data ?? '');
    if (path !== undefined) {
      // A field name with a NUL is shown without it: the path is for a person to read.
      throw invalidFields([{ field: path.split('\u0000').join('\\u0000') || metadata.type, message: 'contains a NUL character (U+0000), which no field takes' }]);
    }
    return value;
  }
}
