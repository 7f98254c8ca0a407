import Fastify, { type FastifyInstance } from 'fastify';
import { SANDBOX_PATHS } from '../../core/config/app-config';
import { CapillarySandbox } from './capillary.sandbox';
import { CmcSandbox } from './cmc.sandbox';
import { CouponToolsSandbox } from './coupontools.sandbox';
import { CrmcomBackofficeSandbox } from './crmcom-backoffice.sandbox';
import { CrmcomLegacySandbox } from './crmcom-legacy.sandbox';
import { SandboxFaults } from './sandbox-faults';
import { SandboxJournal } from './sandbox-journal';

/** What every vendor sandbox offers the app: its routes, and a way back to its seed state. */
export interface VendorSandbox {
  register(app: FastifyInstance): void;
  reset(): void;
}

/**
 * The vendor sandbox: each vendor under its own prefix (SANDBOX_PATHS), so a base URL such as
 * http://127.0.0.1:4010/crmcom/crmapi/rest/v2 stands in for https://host/crmapi/rest/v2.
 * `/_sandbox/*` is the admin API: reset, the journal of effect sends (and their outcomes), and fault injection.
 */
export function buildSandboxApp(options: { logger?: boolean } = {}): FastifyInstance {
  // forceCloseConnections: a held (lost-reply) or aborted request must not keep close() waiting.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  const journal = new SandboxJournal();
  const faults = new SandboxFaults();
  const crmcomLegacy = new CrmcomLegacySandbox(journal);
  const coupontools = new CouponToolsSandbox(journal);
  const capillary = new CapillarySandbox(journal);
  const cmc = new CmcSandbox(journal);
  const crmcomBackoffice = new CrmcomBackofficeSandbox(journal);
  const vendors: Array<[string, VendorSandbox]> = [
    [SANDBOX_PATHS.crmcomLegacy, crmcomLegacy],
    [SANDBOX_PATHS.crmcomBackoffice, crmcomBackoffice],
    [SANDBOX_PATHS.capillary, capillary],
    [SANDBOX_PATHS.coupontools, coupontools],
    [SANDBOX_PATHS.cmc, cmc],
  ];

  faults.install(app);
  for (const [prefix, sandbox] of vendors) app.register(async (scope) => sandbox.register(scope), { prefix });

  app.get('/_sandbox/health', async () => ({ status: 'ok' }));
  app.get('/_sandbox/journal', async (req) => {
    // Every send, each with its outcome; `outcome=applied` keeps only the effects the vendor applied.
    const q = req.query as { vendor?: string; reference?: string; outcome?: string };
    return { entries: journal.list(q) };
  });
  app.post('/_sandbox/reset', async () => {
    journal.clear();
    faults.clear();
    for (const [, sandbox] of vendors) sandbox.reset();
    return { status: 'reset' };
  });
  app.post('/_sandbox/faults', async (req, reply) => reply.code(201).send(faults.add(req.body)));
  app.get('/_sandbox/faults', async () => ({ faults: faults.list() }));
  app.delete('/_sandbox/faults', async () => {
    faults.clear();
    return { status: 'cleared' };
  });
  // A fresh claimed Coupontools session (validation is for ever): tests and the benchmark need many.
  // `value` "" leaves the value field empty; `custom` sets custom1…custom7 of data.user.
  app.post('/_sandbox/coupontools/sessions', async (req, reply) => {
    const body = (req.body ?? {}) as { code?: string; value?: string; custom?: Record<string, string> };
    if (!body.code || !/^[A-Za-z0-9]{1,64}$/.test(body.code)) return reply.code(400).send({ error: 'code: letters and digits, 1 to 64' });
    const custom = Object.entries(body.custom ?? {});
    if (custom.some(([k, v]) => !/^custom[1-7]$/.test(k) || typeof v !== 'string')) return reply.code(400).send({ error: 'custom: custom1…custom7, strings' });
    coupontools.addSession(body.code, { value: body.value ?? '5.00', expiration_date: '2099-12-31 23:59:59' }, Object.fromEntries(custom));
    return reply.code(201).send({ code: body.code });
  });
  // Balances for a long run (the benchmark): the seed wallet and points last only a few checkouts.
  app.post('/_sandbox/balances', async (req, reply) => {
    const body = (req.body ?? {}) as { crmcom?: { code?: string; walletCents?: number }; capillary?: { mobile?: string; points?: number } };
    const { crmcom, capillary: points } = body;
    const valid = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
    if (crmcom && (!crmcom.code || !valid(crmcom.walletCents))) return reply.code(400).send({ error: 'crmcom: code and walletCents (integer ≥ 0)' });
    if (points && (!points.mobile || !valid(points.points))) return reply.code(400).send({ error: 'capillary: mobile and points (integer ≥ 0)' });
    const found = {
      ...(crmcom && { crmcom: crmcomLegacy.setWalletBalance(crmcom.code!, crmcom.walletCents!) }),
      ...(points && { capillary: capillary.setPoints(points.mobile!, points.points!) }),
    };
    if (Object.values(found).includes(false)) return reply.code(404).send({ error: 'no such participant or customer', found });
    return found;
  });
  // An OTP spend token for a CRM.COM back-office contact, as the CRM.COM app would issue it
  // ({"cim":"22265577"}; `ttlSeconds` 0 mints an expired one). Like the Coupontools sessions endpoint.
  app.post('/_sandbox/crmcom/otps', async (req, reply) => {
    const body = (req.body ?? {}) as { cim?: unknown; ttlSeconds?: unknown };
    if (typeof body.cim !== 'string') return reply.code(400).send({ error: 'cim: the contact authentication code' });
    if (body.ttlSeconds !== undefined && !Number.isInteger(body.ttlSeconds)) return reply.code(400).send({ error: 'ttlSeconds: an integer' });
    const otp = crmcomBackoffice.issueOtp(body.cim, body.ttlSeconds === undefined ? undefined : (body.ttlSeconds as number) * 1000);
    return otp ? reply.code(201).send({ otp }) : reply.code(404).send({ error: 'no such contact' });
  });
  // What a CMC transaction said of its customer, sales person and card (personal data stays in the sandbox's memory).
  app.get('/_sandbox/cmc/transactions/:transactionId/people', async (req, reply) => {
    const people = cmc.peopleSent((req.params as { transactionId: string }).transactionId);
    return people ? people : reply.code(404).send({ error: 'no transaction under that id' });
  });
  app.post('/_sandbox/crmcom/expire-tokens', async () => {
    crmcomLegacy.expireTokens();
    return { status: 'expired' };
  });
  return app;
}
