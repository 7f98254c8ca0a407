import { cmcResponseExcerpt, statusRejection, unwrap } from '../../activities/vendors/cmc-envelope';
import type { PostTenderTransaction } from '../../activities/vendors/capabilities';

const problem = {
  type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
  title: 'Customer Ada Lovelace was refused',
  status: 400,
  detail: 'Card LC12345 of Ada Lovelace is blocked.',
  errors: { Customer: ["'Ada Lovelace' is not a member."], 'Ada Lovelace, LC12345': ['echoed as a key'] },
  traceId: '00-abc-01',
};
const refusal = (sentPeople: boolean) => {
  try {
    unwrap({ status: 400, body: problem, latencyMs: 1 }, 'pos.transaction', sentPeople);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('unwrap accepted a 400');
};

describe("ClearLine's error texts", () => {
  it('never reach the reason of a transaction that named people: the status and the field names only', () => {
    const message = refusal(true);
    expect(message).toBe('cmc refused (HTTP_400): ClearLine (CMC) refused the transaction (HTTP 400) (fields: Customer).');
  });

  it('are still quoted, as before, when no people were sent', () => {
    expect(refusal(false)).toContain('fields: Customer');
    expect(() => unwrap({ status: 404, body: problem, latencyMs: 1 }, 'pos.startInteraction')).toThrow('(ClearLine: Card LC12345 of Ada Lovelace is blocked.)');
  });

  it('are redacted from the audit excerpt: type, status, traceId and field names kept', () => {
    expect(cmcResponseExcerpt(problem)).toEqual({
      type: problem.type,
      title: '[redacted]',
      status: 400,
      detail: '[redacted]',
      errors: { Customer: '[redacted]', '[redacted]': '[redacted]' },
      traceId: '00-abc-01',
    });
    const ok = { data: { id: 7, posStatus: 'Accepted' } };
    expect(cmcResponseExcerpt(ok)).toBe(ok);
    expect(cmcResponseExcerpt(null)).toBeNull();
  });

  it('quote a posStatus only when it is a word', () => {
    const tx = { terminalId: 'T1', posLocationId: 'L1' } as PostTenderTransaction;
    expect(statusRejection('Disabled', tx, {}).message).toContain('is disabled');
    expect(statusRejection('Ada Lovelace LC12345', tx, {}).message).toContain('has status Unrecognised');
  });
});
