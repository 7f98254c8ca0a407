import Fastify, { type FastifyInstance } from 'fastify';
import { SANDBOX_PATHS } from '../config/app-config';
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
 * `/_sandbox/*` is the admin API: reset, the journal of applied effects, and fault injection.
 */
export function buildSandboxApp(options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  const journal = new SandboxJournal();
  const faults = new SandboxFaults();
  const crmcomLegacy = new CrmcomLegacySandbox(journal);
  const vendors: Array<[string, VendorSandbox]> = [
    [SANDBOX_PATHS.crmcomLegacy, crmcomLegacy],
    [SANDBOX_PATHS.crmcomBackoffice, new CrmcomBackofficeSandbox(journal)],
    [SANDBOX_PATHS.capillary, new CapillarySandbox(journal)],
    [SANDBOX_PATHS.coupontools, new CouponToolsSandbox(journal)],
    [SANDBOX_PATHS.cmc, new CmcSandbox(journal)],
  ];

  faults.install(app);
  for (const [prefix, sandbox] of vendors) app.register(async (scope) => sandbox.register(scope), { prefix });

  app.get('/_sandbox/health', async () => ({ status: 'ok' }));
  app.get('/_sandbox/journal', async (req) => {
    const q = req.query as { vendor?: string; reference?: string };
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
  app.post('/_sandbox/crmcom/expire-tokens', async () => {
    crmcomLegacy.expireTokens();
    return { status: 'expired' };
  });
  return app;
}
