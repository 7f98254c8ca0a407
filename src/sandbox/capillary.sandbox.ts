import type { FastifyInstance } from 'fastify';
import { isRegularExpression } from '../../core/config/app-config';
import type { SandboxJournal } from './sandbox-journal';
import { CapillarySandboxAuth } from './capillary-sandbox-auth';
import { CapillarySandboxCoupons } from './capillary-sandbox-coupons';
import { CapillarySandboxCustomers } from './capillary-sandbox-customers';
import { unauthorised } from './capillary-sandbox-envelope';
import { type Query, body, tillOf } from './capillary-sandbox-input';
import { DEFAULT_CONFIG, type OrgConfig } from './capillary-sandbox-org';
import { CapillarySandboxPoints } from './capillary-sandbox-points';
import { CapillarySandboxState } from './capillary-sandbox-state';
import { CapillarySandboxRetro } from './capillary-sandbox-retro';
import { CapillarySandboxTransactions } from './capillary-sandbox-transactions';
import { CapillarySandboxValidation } from './capillary-sandbox-validation';

// Tests and the sandbox app import the seed names from here, the sandbox's front door.
export {
  CAPILLARY_SANDBOX_COUPONS,
  CAPILLARY_SANDBOX_CUSTOMER,
  CAPILLARY_SANDBOX_OAUTH,
  CAPILLARY_SANDBOX_TILL,
} from './capillary-sandbox-org';

/**
 * Capillary InTouch v1.1 + v2 (vendor-docs/capillary-pos-integration.md; fields, codes and example
 * bodies from Capillary's v1.1/v2 API documentation as vendors.md §2 cites it, copied under
 * test/fixtures/capillary). v1.1 answers `{response:{status, <entities>:{<entity>:[{..., item_status}]}}}`
 * with request codes 200 / 201 (some items failed) / 500 (all failed) and item codes per entity; the
 * sandbox answers HTTP 200 for those, as the envelope carries the verdict. v2 answers plain JSON with
 * `errors[]` (HTTP 400 here). Mixed string/number codes and the missing `response` wrapper of some
 * documented samples are reproduced on purpose, so clients must parse leniently.
 *
 * This class owns the shared state and wires the routes; each capability's handlers live in a
 * capillary-sandbox-* sibling, and the seed is described in capillary-sandbox-state.ts.
 */
export class CapillarySandbox {
  private readonly state = new CapillarySandboxState();
  private readonly auth: CapillarySandboxAuth;
  private readonly customers: CapillarySandboxCustomers;
  private readonly points: CapillarySandboxPoints;
  private readonly coupons: CapillarySandboxCoupons;
  private readonly transactions: CapillarySandboxTransactions;
  private readonly validation: CapillarySandboxValidation;
  private readonly retro: CapillarySandboxRetro;

  constructor(journal: SandboxJournal) {
    this.auth = new CapillarySandboxAuth(this.state);
    this.validation = new CapillarySandboxValidation(this.state);
    this.customers = new CapillarySandboxCustomers(this.state, journal);
    this.points = new CapillarySandboxPoints(this.state, journal, this.validation);
    this.coupons = new CapillarySandboxCoupons(this.state, journal, this.validation);
    this.transactions = new CapillarySandboxTransactions(this.state, journal);
    this.retro = new CapillarySandboxRetro(this.state, journal);
  }

  /** Business state and org config back to the seed. Issued tokens survive, as at the real vendor. */
  reset(): void {
    this.state.reset();
  }

  /** Admin: set a customer's points balance (by mobile), so a benchmark can redeem on thousands of checkouts. */
  setPoints(mobile: string, points: number): boolean {
    const customer = this.state.findCustomer({ mobile });
    if (customer) customer.loyaltyPoints = points;
    return Boolean(customer);
  }

  register(app: FastifyInstance): void {
    app.addHook('preHandler', async (req, reply) => {
      if (req.url.includes('/v3/oauth/') || req.url.includes('/_sandbox/')) return;
      if (!this.auth.authorised(req)) return reply.code(401).send(unauthorised(req.url));
    });
    app.post('/v3/oauth/token/generate', (req, reply) => this.auth.generateToken(req, reply));
    app.get('/v1.1/customer/get', (req) => this.customers.get(req.query as Query));
    app.post('/v1.1/customer/add', (req) => this.customers.add(body(req)));
    app.get('/v1.1/customer/redemptions', (req) => this.customers.redemptions(req.query as Query));
    app.get('/v1.1/points/isredeemable', (req) => this.points.isRedeemable(req.query as Query));
    app.get('/v1.1/points/validationcode', (req, reply) => this.validation.issue(req.query as Query, reply));
    app.post('/v1.1/points/redeem', (req) => this.points.redeem(req.query as Query, body(req), tillOf(req)));
    app.post('/v2/points/reverse', (req, reply) => this.points.reverse(body(req), reply));
    app.get('/v1.1/coupon/isredeemable', (req) => this.coupons.isRedeemable(req.query as Query));
    app.post('/v1.1/coupon/redeem', (req) => this.coupons.redeem(body(req), tillOf(req)));
    app.get('/v1.1/coupon/get', (req) => this.coupons.get(req.query as Query));
    app.post('/v2/coupon/reactivate', (req, reply) => this.coupons.reactivate(body(req), reply));
    app.post('/v1.1/transaction/add', (req) => this.transactions.add(body(req)));
    app.post('/v1.1/transaction/update', (req) => this.retro.update(body(req)));
    app.get('/v1.1/transaction/get', (req) => this.transactions.get(req.query as Query));
    // Sandbox administration, next to the vendor's routes.
    app.put('/_sandbox/org-config', (req) => {
      const patch = body(req) as Partial<OrgConfig>;
      const config = this.state.config as unknown as Record<string, number | boolean>;
      for (const key of Object.keys(DEFAULT_CONFIG) as Array<keyof OrgConfig>) {
        if (key === 'billNumberFormat') continue; // a string, checked below
        const value = patch[key];
        if (typeof DEFAULT_CONFIG[key] === 'boolean' ? typeof value === 'boolean' : Number.isInteger(value) && (value as number) > 0) {
          config[key] = value as number | boolean;
        }
      }
      if (typeof patch.billNumberFormat === 'string' && isRegularExpression(patch.billNumberFormat)) this.state.config.billNumberFormat = patch.billNumberFormat;
      return this.state.config;
    });
    // The SMS the customer's phone would receive: `?mobile=…` (or another identifier).
    app.get('/_sandbox/validation-codes', (req, reply) => this.validation.lastCode(req.query as Query, reply));
    app.post('/_sandbox/validation-codes/expire', () => this.validation.expireAll());
    app.post('/_sandbox/expire-tokens', () => {
      this.state.tokens.clear();
      return { status: 'expired' };
    });
  }
}
