import { invalidFields } from '../common/problem';

/**
 * The opaque page cursor of GET /v1/audit/events: the id of the last row served. The next page
 * starts after that row's (recorded_at, id), which Postgres reads back itself, so no timestamp ever
 * round-trips through JavaScript (microseconds would be lost).
 */
const PREFIX = 'ae1:';

export function encodeAuditCursor(lastId: string): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The row id inside a cursor; a cursor we did not issue is a 400 naming `cursor`. */
export function decodeAuditCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  if (!/^[1-9]\d{0,18}$/.test(id)) throw invalidFields([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
  return id;
}
