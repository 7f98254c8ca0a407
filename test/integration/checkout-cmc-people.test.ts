import { Client } from '@temporalio/client';
import request from 'supertest';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { decodeFailureMessages } from '../../src/ops/decoded-failures';
import { historyAsText } from '../support/history-text';
import { SANDBOX_PATHS } from '../../core/config/app-config';
import { injectFault, journalOf } from '../support/journal';
import { storedRowsOf } from '../support/stored-secrets';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * CMC (ClearLine) post-tender with the people the till names (cmc-post-tender.txt, SendTransaction:
 * the customer block, salesPerson and cardNumber), through the API, Temporal, Postgres and the
 * sandbox: sent as the document shapes them, never kept in clear by us, and refused at the edge when
 * malformed.
 */
describe('checkout with CMC customer, sales person and card number', () => {
  const stack = testStackForFile({}, { resetSandbox: true });
  const api = () => stack.api();
  const people = {
    customer: { id: 'POS-CUST-9', firstName: 'Adelina', lastName: 'Quarrington', email: 'adelina.q@example.com', phone: '+35799765432' },
    salesPerson: { id: 'SP-42', firstName: 'Solomon', lastName: 'Tillwright' },
    cardNumber: 'LOYAL9876543',
  };
  const personal = ['POS-CUST-9', 'Adelina', 'Quarrington', 'adelina.q@example.com', '+35799765432', '35799765432', 'Solomon', 'Tillwright', 'LOYAL9876543'];

  it('sends them on the CMC transaction in the document shape, and no audit row, projection, step result or raw history holds them', async () => {
    const posReference = uniquePosReference('CMCP');
    const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { postTender: { provider: 'cmc', ...people } })).expect(201);
    expect(res.body).toMatchObject({ state: 'completed', receipt: { exceptions: [], references: { cmcTransactionId: expect.any(String) } } });

    const received = await request(stack.sandboxUrl).get(`/_sandbox/cmc/transactions/demo:S1:T1:${posReference}/people`).expect(200);
    expect(received.body).toEqual({
      customer: {
        id: 'POS-CUST-9',
        firstName: 'Adelina',
        lastName: 'Quarrington',
        contacts: [{ email: 'adelina.q@example.com', phone: '+35799765432' }],
      },
      salesPerson: { id: 'SP-42', firstName: 'Solomon', lastName: 'Tillwright' },
      cardNumber: 'LOYAL9876543',
    });

    const checkoutId = res.body.checkoutId as string;
    const stored = await storedRowsOf(stack, checkoutId);
    expect(stored).toContain('pos.transaction'); // the transaction's own audit rows are among them
    for (const value of personal) expect(stored).not.toContain(value);

    const raw = new Client({ connection: stack.temporal.connection }); // no codec: what the server stores
    const history = JSON.stringify(historyAsText(await raw.workflow.getHandle(checkoutId).fetchHistory()));
    expect(history.length).toBeGreaterThan(1000);
    for (const value of personal) expect(history).not.toContain(value);
  }, 60_000);

  describe('when ClearLine refuses with an error text quoting the customer', () => {
    const transactionPath = `${SANDBOX_PATHS.cmc}/pos/checkout-saga/transaction`;
    const shortCard = { ...people, cardNumber: 'LC12345' };
    const quoted = ['Adelina', 'Quarrington', 'LC12345', 'adelina.q@example.com', 'Solomon', 'Tillwright'];
    /** ASP.NET's ProblemDetails, its detail, title and errors (also under keys no redaction list names) quoting what was sent. */
    const echo = (status: number) => ({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'Customer Adelina Quarrington (adelina.q@example.com) was refused',
      status,
      detail: 'Card LC12345 of Adelina Quarrington is blocked; sold by Solomon Tillwright.',
      errors: { Customer: ["'Adelina Quarrington' is not a member."], cardNumber: ["The card 'LC12345' is blocked."], Reason: ['Solomon Tillwright may not sell to LC12345'] },
      traceId: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });

    async function checkoutWithout(posReference: string) {
      const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { postTender: { provider: 'cmc', ...shortCard } })).expect(201);
      const checkoutId = res.body.checkoutId as string;
      const stored = await storedRowsOf(stack, checkoutId);
      const raw = new Client({ connection: stack.temporal.connection }); // no codec: what the server stores
      const events = (await raw.workflow.getHandle(checkoutId).fetchHistory()).events ?? [];
      const history = JSON.stringify(historyAsText({ events }));
      // Failure messages are stored encoded (encodeCommonAttributes): what ops read through the codec.
      await decodeFailureMessages(events, [], [encryptionCodecFor(stack.config)]);
      const failureMessages = JSON.stringify(events.map((e) => [e.markerRecordedEventAttributes?.failure, e.activityTaskFailedEventAttributes?.failure]));
      return { res, checkoutId, stored, history, failureMessages };
    }

    it('a refusal (400): the receipt exception, the failure in the history and the audit row keep the status and the field names, never the text', async () => {
      await injectFault(stack.sandboxUrl, { path: transactionPath, method: 'POST', kind: 'status', status: 400, body: echo(400) });
      const { res, checkoutId, stored, history, failureMessages } = await checkoutWithout(uniquePosReference('CMCE'));

      expect(res.body).toMatchObject({ state: 'completed', receipt: { exceptions: [expect.objectContaining({ code: 'HTTP_400' })] } });
      expect(JSON.stringify(res.body)).toContain('fields: Customer, cardNumber, Reason');
      const [row] = (await stack.dataSource.query(
        `SELECT response_excerpt, error_message FROM audit_events WHERE checkout_id = $1 AND operation = 'pos.transaction' AND outcome = 'rejected'`,
        [checkoutId],
      )) as Array<{ response_excerpt: unknown; error_message: string }>;
      expect(row.error_message).toMatch(/HTTP 400/);
      expect(row.response_excerpt).toEqual({
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
        title: '[redacted]',
        status: 400,
        detail: '[redacted]',
        errors: { Customer: '[redacted]', cardNumber: '[redacted]', Reason: '[redacted]' },
        traceId: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
      expect(history).toContain('Encoded failure');
      expect(history).not.toContain('HTTP_400');
      expect(failureMessages).toContain('HTTP_400');
      for (const value of quoted) {
        expect(JSON.stringify(res.body)).not.toContain(value);
        expect(stored).not.toContain(value);
        expect(history).not.toContain(value);
        expect(failureMessages).not.toContain(value);
      }
    }, 60_000);

    it('a 500 with ProblemDetails: the audit excerpt keeps none of its text', async () => {
      await injectFault(stack.sandboxUrl, { path: transactionPath, method: 'POST', kind: 'status', status: 500, body: echo(500), times: 1 });
      const { checkoutId, stored, history } = await checkoutWithout(uniquePosReference('CMC5'));

      const rows = (await stack.dataSource.query(
        `SELECT response_excerpt FROM audit_events WHERE checkout_id = $1 AND operation = 'pos.transaction' AND http_status = 500`,
        [checkoutId],
      )) as Array<{ response_excerpt: { detail?: string } }>;
      expect(rows).toHaveLength(1);
      expect(rows[0].response_excerpt).toMatchObject({ status: 500, detail: '[redacted]', errors: { Customer: '[redacted]' } });
      for (const value of quoted) {
        expect(stored).not.toContain(value);
        expect(history).not.toContain(value);
      }
    }, 60_000);
  });

  it('sends only what the till gave: a sales person alone, no customer block', async () => {
    const posReference = uniquePosReference('CMCS');
    await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { postTender: { provider: 'cmc', salesPerson: { id: 'SP-7' } } })).expect(201);
    const received = await request(stack.sandboxUrl).get(`/_sandbox/cmc/transactions/demo:S1:T1:${posReference}/people`).expect(200);
    expect(received.body).toEqual({ salesPerson: { id: 'SP-7' } });
  }, 60_000);

  it('refuses a malformed customer, sales person or card number with 400 naming the field, before any saga or vendor call', async () => {
    for (const [postTender, field] of [
      [{ customer: { email: 'not-an-email' } }, 'postTender.customer.email'],
      [{ customer: { phone: 'call me' } }, 'postTender.customer.phone'],
      [{ customer: { birthDate: '30/04/1990' } }, 'postTender.customer.birthDate'],
      [{ customer: { birthDate: '1990-02-31' } }, 'postTender.customer.birthDate'],
      [{ customer: { birthDate: `${new Date().getUTCFullYear() + 1}-01-01` } }, 'postTender.customer.birthDate'],
      [{ customer: { firstName: '' } }, 'postTender.customer.firstName'],
      [{ customer: 'Ada' }, 'postTender.customer'],
      [{ salesPerson: { firstName: 'Sam' } }, 'postTender.salesPerson.id'],
      [{ salesPerson: { id: 'SP', lastName: 7 } }, 'postTender.salesPerson.lastName'],
      [{ cardNumber: '12' }, 'postTender.cardNumber'],
      [{ cardNumber: '1234 5678' }, 'postTender.cardNumber'],
      [{ customer: { nickname: 'A' } }, 'postTender.customer.nickname'],
      // Null is not "absent": it would reach CMC as null. Control characters (NUL) cannot be audited.
      [{ customer: null }, 'postTender.customer'],
      [{ customer: { lastName: null } }, 'postTender.customer.lastName'],
      [{ salesPerson: null }, 'postTender.salesPerson'],
      [{ cardNumber: null }, 'postTender.cardNumber'],
      [{ customer: { id: 'A\u0000' } }, 'postTender.customer.id'],
      [{ customer: { firstName: 'Ada\u0007' } }, 'postTender.customer.firstName'],
      [{ salesPerson: { id: 'SP\u0000' } }, 'postTender.salesPerson.id'],
      [{ salesPerson: { id: 'SP', firstName: ' Sam' } }, 'postTender.salesPerson.firstName'],
    ] as const) {
      const posReference = uniquePosReference('CMCX');
      const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { postTender: { provider: 'cmc', ...postTender } })).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      await api().get(`/v1/checkouts/checkout:demo:S1:T1:${posReference}`).expect(404);
      expect(await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`)).toEqual([]);
    }
  }, 60_000);

  it('refuses them in a batch upload, whose sales are stored before they run (400 naming the field, nothing stored)', async () => {
    const sale = oneShotCheckoutBody(uniquePosReference('CMCB'), { postTender: { provider: 'cmc', ...people } });
    const res = await api().post('/v1/checkouts/batch').send({ batchReference: uniquePosReference('B'), sales: [sale] }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['sales[0].postTender.customer', 'sales[0].postTender.salesPerson', 'sales[0].postTender.cardNumber']);
    const [{ count }] = (await stack.dataSource.query(`SELECT count(*)::int AS count FROM checkout_batch_sales WHERE pos_reference = $1`, [sale.posReference])) as Array<{ count: number }>;
    expect(count).toBe(0);
  });
});
