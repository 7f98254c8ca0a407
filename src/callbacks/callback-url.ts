import type { AppEnv } from '../../core/config/app-config';

export const MAX_CALLBACK_URL_LENGTH = 2000;

/**
 * Why `value` cannot be a callback URL, or undefined when it can: an absolute https URL (http too
 * outside production, for tests and development), no credentials in it (they would sit in the
 * database and the audit detail in clear: the signature is the receiver's proof), no fragment.
 */
export function callbackUrlProblem(value: string, appEnv: AppEnv): string | undefined {
  if (value.length > MAX_CALLBACK_URL_LENGTH) return `must be at most ${MAX_CALLBACK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://pos.example.com/checkout-ended';
  }
  const schemes = appEnv === 'production' ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) return appEnv === 'production' ? 'must be https' : 'must be https (or http outside production)';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment';
  return undefined;
}
