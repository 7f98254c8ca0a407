import request from 'supertest';
import { SANDBOX_PATHS } from '../../core/config/app-config';
import { checkoutReference } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

const S1_OUTLET = '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a01';
const OTHER_OUTLET = '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a03';

/** CRM.COM back-office: each store's purchases name its outlet; performed_on stays an epoch (no zone). */
describe('stores at CRM.COM back-office: the outlet per store', () => {
  const stack = testStackForFile({ CRMCOM_API: 'backoffice' }, { resetSandbox: true });
  const admin = () => stack.api(stack.keys.admin);
  const purchaseDetails = async (store: string, posReference: string) => {
    const reference = checkoutReference({ merchant: 'demo', store, till: 'T1', posReference });
    const entries = (await request(stack.sandboxUrl).get('/_sandbox/journal').query({ reference, vendor: 'crmcom' }).expect(200)).body.entries as Array<{
      effect: string;
      details?: Record<string, unknown>;
    }>;
    return entries.filter((e) => e.effect === 'purchase.create').map((e) => e.details);
  };
  afterEach(() => admin().put('/v1/admin/stores/S3').send({ timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', cmcLocation: 'S3' }).expect(200));

  it("sends each store's outlet as organisation_id, and the sale's instant as epoch seconds whatever the zone", async () => {
    const atS1 = uniquePosReference('BO1');
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(atS1, { performedOn: '2026-11-21T23:30:00Z' })).expect(201);
    expect(await purchaseDetails('S1', atS1)).toEqual([{ performed_on: Date.parse('2026-11-21T23:30:00Z') / 1000, organisation_id: S1_OUTLET }]);

    await admin().put('/v1/admin/stores/S3').send({ timeZone: 'America/New_York', crmcomOutlet: OTHER_OUTLET }).expect(200);
    const atS3 = uniquePosReference('BO3');
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(atS3, { store: 'S3', performedOn: '2026-11-21T23:30:00Z' })).expect(201);
    expect(await purchaseDetails('S3', atS3)).toEqual([{ performed_on: Date.parse('2026-11-21T23:30:00Z') / 1000, organisation_id: OTHER_OUTLET }]);
  });

  it('is refused by the sandbox for an outlet the account does not have, as CRM.COM answers an unknown record', async () => {
    const res = await request(stack.sandboxUrl)
      .post(`${SANDBOX_PATHS.crmcomBackoffice}/purchases`)
      .set('api_key', stack.config.CRMCOM_API_KEY)
      .send({
        contact_id: '5c3e4a9e-8f1d-4b6a-9c2e-1a7d3f5b0001',
        reference_number: uniquePosReference('BOX'),
        organisation_id: 'no-such-outlet',
        products: [{ product_sku: 'Soft Drinks', quantity: 1, total_amount: 10 }],
      })
      .expect(400);
    expect(res.body).toMatchObject({ error: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION', parameters: ['organisation', 'no-such-outlet'] });
  });
});
