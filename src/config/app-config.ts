import { z } from 'zod';

/**
 * The one place that reads the environment. Every process (API, worker, sandbox, scripts) calls
 * loadConfig() once at start, so a bad variable fails fast with its name instead of deep in a request.
 * Vendor base URLs default to the embedded sandbox: unset means "sandbox", set means "the real vendor".
 */
const port = z.coerce.number().int().min(0).max(65535);
const milliseconds = z.coerce.number().int().positive();


const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_PORT: port.default(3000),
  SANDBOX_PORT: port.default(4010),
  /** Loopback unless a container must expose it. */
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/checkout_saga'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('checkout-saga'),
  /** Until API keys land (issue 6) every request acts for this merchant. */
  MERCHANT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default('demo'),
  VENDOR_TIMEOUT_MS: milliseconds.default(5000),
  CRMCOM_API: z.enum(['legacy', 'backoffice']).default('legacy'),
  CRMCOM_BASE_URL: z.string().url().optional(),
  CRMCOM_WEB_API_KEY: z.string().min(1).default('sandbox-web-api-key'),
  CRMCOM_UNIT_NAME: z.string().min(1).default('Unit'),
});

export type AppConfig = z.infer<typeof schema> & {
  /** Resolved vendor endpoints: the configured URL, or the embedded sandbox. */
  crmcomBaseUrl: string;
  usesSandbox: boolean;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const sandboxBase = (path: string) => `http://127.0.0.1:${c.SANDBOX_PORT}${path}`;
  return {
    ...c,
    crmcomBaseUrl: c.CRMCOM_BASE_URL ?? sandboxBase('/crmcom/crmapi/rest/v2'),
    usesSandbox: c.CRMCOM_BASE_URL === undefined,
  };
}
