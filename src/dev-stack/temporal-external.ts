import { Connection, isGrpcServiceError } from '@temporalio/client';
import type { AppConfig } from '../../core/config/app-config';
import { temporalConnectionOptions } from '../../core/temporal/temporal-connection';

/** The gRPC status codes the check tells apart (@grpc/grpc-js is not a dependency of ours). */
const GRPC = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** How long the check waits for the server before calling it unreachable. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * `--temporal=external`: reaches the configured Temporal server the way the worker and the API will
 * (same TLS, client certificate and API key) and describes TEMPORAL_NAMESPACE, so a wrong address, CA,
 * certificate, key or namespace stops `npm start` with what to check instead of a worker that retries
 * forever. Returns the banner line: "Temporal at host:7233 (TLS, mTLS client cert, API key), namespace x".
 */
export async function checkExternalTemporal(config: AppConfig): Promise<string> {
  const where = `Temporal at ${config.TEMPORAL_ADDRESS}`;
  // Lazy and without the SDK's retries: one call that fails with the channel's last error (a refused
  // connection, the TLS alert), where connect() would only say it timed out.
  const connection = Connection.lazy({ ...temporalConnectionOptions(config), interceptors: [] });
  try {
    await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      connection.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE }),
    );
  } catch (err) {
    throw new Error(`${where}: ${explainFailure(err, config)}`);
  } finally {
    await connection.close();
  }
  return `${where} (${securityOf(config)}), namespace ${config.TEMPORAL_NAMESPACE}`;
}

/** "plaintext", or what protects the connection: "TLS, mTLS client cert, API key". */
export function securityOf(config: Pick<AppConfig, 'temporalTls' | 'TEMPORAL_API_KEY'>): string {
  const tls = config.temporalTls;
  if (!tls) return 'plaintext';
  return [
    tls.serverRootCACertificate ? 'TLS with TEMPORAL_TLS_CA_FILE' : 'TLS',
    ...(tls.clientCertPair ? ['mTLS client cert'] : []),
    ...(config.TEMPORAL_API_KEY !== undefined ? ['API key'] : []),
  ].join(', ');
}

/** What went wrong and which setting to look at, from the gRPC status and the channel's last error. */
function explainFailure(err: unknown, config: AppConfig): string {
  if (!isGrpcServiceError(err)) return err instanceof Error ? err.message : String(err);
  const detail = channelError(err.details || err.message);
  switch (err.code) {
    case GRPC.NOT_FOUND:
      return `namespace ${config.TEMPORAL_NAMESPACE} does not exist there (${detail}); check TEMPORAL_NAMESPACE, or create it (temporal operator namespace create)`;
    case GRPC.UNAUTHENTICATED:
    case GRPC.PERMISSION_DENIED:
      return `refused the credentials (${detail}); check TEMPORAL_API_KEY${config.temporalTls?.clientCertPair ? ' and TEMPORAL_TLS_CERT_FILE/TEMPORAL_TLS_KEY_FILE' : ''} and that they grant namespace ${config.TEMPORAL_NAMESPACE}`;
    case GRPC.DEADLINE_EXCEEDED:
      return `no answer within ${CHECK_TIMEOUT_MS / 1000} s; check TEMPORAL_ADDRESS and that the server is up and reachable from here`;
    case GRPC.UNAVAILABLE:
      if (TLS_FAILURE.test(detail)) return `TLS handshake failed (${detail}); check ${tlsAdvice(detail, config)}`;
      // A plaintext client at a TLS server sees the connection dropped, not a TLS error.
      if (!config.temporalTls && !NETWORK_FAILURE.test(detail)) {
        return `no gRPC answer (${detail}); check TEMPORAL_ADDRESS, and whether the server requires TLS: TEMPORAL_TLS=true, or TEMPORAL_TLS_CA_FILE for a private CA`;
      }
      return `unreachable (${detail}); check TEMPORAL_ADDRESS and that the server is up and reachable from here`;
    default:
      return `gRPC status ${err.code}: ${detail}`;
  }
}

/**
 * grpc-js's "No connection established. Last error: <OpenSSL's line> (time). Resolution note: ", cut to
 * its reason: "tlsv13 alert certificate required", "self-signed certificate in certificate chain".
 */
export function channelError(details: string): string {
  const reason = details
    .replace(/^No connection established\. Last error: /, '')
    .replace(/^Error( \[[A-Z_]+\])?: /, '')
    .replace(/\.?\s*Resolution note:.*$/s, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)\.?$/, '')
    .trim();
  const openssl = /error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):/.exec(reason);
  return (openssl ? openssl[1] : reason).replace(/\s+/g, ' ');
}

/** The channel errors of a server that is not there (refused, unknown host, no route, silence). */
const NETWORK_FAILURE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|Name resolution failed|DNS resolution failed/i;

/** The channel errors of a refused or impossible handshake (OpenSSL, Node's TLS, a plaintext peer). */
const TLS_FAILURE = /certificate|\bcert\b|ssl|tls|handshake|alert|wrong version number|self[- ]signed|altnames|secure/i;

/** The settings to look at for this handshake failure: the one it points at, else all of them. */
function tlsAdvice(detail: string, config: AppConfig): string {
  const tls = config.temporalTls;
  if (!tls) return 'whether the server requires TLS: set TEMPORAL_TLS=true, or TEMPORAL_TLS_CA_FILE for a private CA';
  const ca = tls.serverRootCACertificate
    ? 'that TEMPORAL_TLS_CA_FILE is the CA that signed the server certificate'
    : 'TEMPORAL_TLS_CA_FILE: the server certificate is not signed by a CA this machine trusts';
  const clientCert = tls.clientCertPair
    ? 'that the server accepts the client certificate of TEMPORAL_TLS_CERT_FILE (signed by the CA it trusts, not expired)'
    : 'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE: the server requires a client certificate (mTLS)';
  const serverName = 'TEMPORAL_TLS_SERVER_NAME: it must be a name the server certificate holds (unset: the host of TEMPORAL_ADDRESS)';
  if (/wrong version number|packet length too long|unknown protocol/i.test(detail)) {
    return 'that TEMPORAL_ADDRESS is a TLS endpoint: the server answered in plaintext (a plaintext server takes no TEMPORAL_TLS* or TEMPORAL_API_KEY)';
  }
  if (/certificate required|bad certificate|unknown ca|certificate unknown|expired/i.test(detail) && /alert/i.test(detail)) return clientCert;
  if (/self[- ]signed|unable to (verify|get local issuer)|unknown ?issuer|not trusted/i.test(detail)) return ca;
  if (/altnames|hostname|does not match/i.test(detail)) return serverName;
  return [ca, clientCert, serverName].join('; ');
}
