import Fastify, { type FastifyInstance } from 'fastify';
import { CrmcomLegacySandbox } from './crmcom-legacy.sandbox';
import { SandboxJournal } from './sandbox-journal';

/**
 * The vendor sandbox: each vendor under its own prefix, so a base URL such as
 * http://127.0.0.1:4010/crmcom/crmapi/rest/v2 stands in for https://host/crmapi/rest/v2.
 * `/_sandbox/*` is the admin API tests use: reset state, read the journal of applied effects.
 */
export function buildSandboxApp(options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  const journal = new SandboxJournal();
  const crmcomLegacy = new CrmcomLegacySandbox(journal);

  app.register(async (scope) => crmcomLegacy.register(scope), { prefix: '/crmcom/crmapi/rest/v2' });

  app.get('/_sandbox/health', async () => ({ status: 'ok' }));
  app.get('/_sandbox/journal', async (req) => {
    const q = req.query as { vendor?: string; reference?: string };
    return { entries: journal.list(q) };
  });
  app.post('/_sandbox/reset', async () => {
    journal.clear();
    crmcomLegacy.reset();
    return { status: 'reset' };
  });
  app.post('/_sandbox/crmcom/expire-tokens', async () => {
    crmcomLegacy.expireTokens();
    return { status: 'expired' };
  });
  return app;
}
