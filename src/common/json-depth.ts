/**
 * The deepest nesting of objects and arrays a JSON body may have. The deepest document the API takes
 * is 5 levels (a batch: body, `sales`, a sale, `points`, `identifier`); 32 leaves room for any field
 * added later, and is also body-parser's depth limit for URL-encoded bodies. class-transformer,
 * class-validator and Nest's ValidationPipe each recurse once per level (a 5,000-deep array overflowed
 * the stack: a 500), so the body is checked before any of them sees it.
 */
export const JSON_DEPTH_LIMIT = 32;

interface Level {
  container: object;
  depth: number;
  parent?: Level;
  key?: string | number;
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * The path of the first object or array nested deeper than `limit` (the body itself is depth 1), or
 * undefined when there is none. Iterative, with an explicit stack: a recursive walk would overflow on
 * exactly the bodies it is meant to refuse. Paths read like the validation errors' (`lines[0].sku[0]`);
 * a body that is an array is named `body`.
 */
export function tooDeepPath(body: unknown, limit = JSON_DEPTH_LIMIT): string | undefined {
  if (!isContainer(body)) return undefined;
  const pending: Level[] = [{ container: body, depth: 1 }];
  for (let level = pending.pop(); level; level = pending.pop()) {
    if (level.depth > limit) return pathOf(level, Array.isArray(body));
    const { container } = level;
    // Pushed last to first, so the first too-deep value in document order is the one named.
    if (Array.isArray(container)) {
      for (let i = container.length - 1; i >= 0; i--) {
        const child: unknown = container[i];
        if (isContainer(child)) pending.push({ container: child, depth: level.depth + 1, parent: level, key: i });
      }
    } else {
      const keys = Object.keys(container);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child: unknown = (container as Record<string, unknown>)[keys[i]];
        if (isContainer(child)) pending.push({ container: child, depth: level.depth + 1, parent: level, key: keys[i] });
      }
    }
  }
  return undefined;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;
/** A key longer than this is shortened in the path: the path is for a person to read, not to echo the body. */
const SHOWN_KEY_LENGTH = 40;

function pathOf(level: Level, bodyIsArray: boolean): string {
  const keys: Array<string | number> = [];
  for (let at: Level | undefined = level; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().reduce<string>((path, key) => {
    if (typeof key === 'number') return `${path}[${key}]`;
    if (PLAIN_KEY.test(key) && key.length <= SHOWN_KEY_LENGTH) return path ? `${path}.${key}` : key;
    const shown = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}…` : key;
    return `${path}[${JSON.stringify(shown)}]`;
  }, bodyIsArray ? 'body' : '');
}
