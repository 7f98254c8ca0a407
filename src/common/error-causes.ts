/** Whether `test` holds for the `code` of the error or of one of its causes (five deep). */
export function someCause(exception: unknown, test: (code: unknown) => boolean): boolean {
  let e: unknown = exception;
  for (let depth = 0; e && depth < 5; depth++) {
    if (test((e as { code?: unknown }).code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
