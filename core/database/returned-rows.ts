/** The rows of an UPDATE or DELETE ... RETURNING: TypeORM answers those as [rows, count] on pg, an INSERT's or SELECT's as the rows. */
export function returnedRows<T>(result: unknown): T[] {
  const rows = result as unknown[];
  return (rows.length === 2 && Array.isArray(rows[0]) && typeof rows[1] === 'number' ? rows[0] : rows) as T[];
}
