/**
 * What pino must never print, in the API's request logs and the worker's activity and workflow
 * logs: credentials (authorization, API keys, cookies, vendor tokens) and customer personal data
 * (identifier values, phones, e-mails, names). Paths are pino redact paths; `*` is one level.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  // Codec requests carry (encrypted) payloads; should a body ever be logged, they stay out.
  'req.body.payloads',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.clientSecret',
  '*.phone',
  '*.mobile',
  '*.email',
  '*.name',
  '*.identifier.value',
  '*.customer.identifier.value',
  '*.*.identifier.value',
  'phone',
  'email',
  'mobile',
  'identifier.value',
  // Issue 19: CRM.COM spend secrets and the people a CMC transaction names.
  '*.otp',
  '*.passCode',
  '*.spendOtp',
  '*.spendPassCode',
  '*.cardNumber',
  '*.firstName',
  '*.lastName',
  '*.salesPerson',
  // Capillary validation codes (OTPs) and an enrolment's details.
  '*.validationCode',
  '*.*.validationCode',
  'validationCode',
];

export const REDACTION = { paths: REDACTED_LOG_PATHS, censor: '[redacted]' };

/**
 * A request path as the API's request log may show it: the development UI's codec token
 * (`/v1/codec/ui/<token>/decode`, src/temporal/codec-access.ts) is a credential in the path itself.
 */
export function loggableUrl(url: string | undefined): string | undefined {
  return url?.replace(/(\/v1\/codec\/ui\/)[^/?#]+/, '$1[redacted]');
}

/** The checkout a workflow id belongs to: the saga itself, or the void saga of a completed checkout. */
export function checkoutIdOf(workflowId: string | undefined): string | undefined {
  if (!workflowId) return undefined;
  if (workflowId.startsWith('checkout:')) return workflowId;
  if (workflowId.startsWith('void:checkout:')) return workflowId.slice('void:'.length);
  return undefined;
}
