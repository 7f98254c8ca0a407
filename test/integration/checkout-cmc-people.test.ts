import { Client } from '@temporalio/client';
import request from 'supertest';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { historyAsText } from '../support/history-text';
import { journalOf } from '../support/journal';
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
