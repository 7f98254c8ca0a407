/**
 * A saga's answer, or `undefined` when the caller's deadline comes first. The API answers 202 then and
 * the saga carries on by itself, so the late result is settled here (never an unhandled rejection).
 * One helper for every phase, void and return: they all answer a till by the same deadline.
 */
export async function answerByDeadline<T>(result: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([
    result,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
    }),
  ]).finally(() => clearTimeout(timer));
  if (answer === undefined) result.catch(() => undefined); // settled later by the saga itself
  return answer;
}

/** When a caller that waits `answerTimeoutMs` for a saga stops waiting (and the API answers 202). */
export function answerDeadline({ answerTimeoutMs }: { answerTimeoutMs: number }): number {
  return Date.now() + answerTimeoutMs;
}
