import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The TLS variables of app-config.ts, as validated there. */
export interface TemporalTlsVariables {
  TEMPORAL_TLS?: 'true' | 'false';
  TEMPORAL_TLS_CA_FILE?: string;
  TEMPORAL_TLS_CERT_FILE?: string;
  TEMPORAL_TLS_KEY_FILE?: string;
  TEMPORAL_TLS_SERVER_NAME?: string;
  TEMPORAL_API_KEY?: string;
}

/** The variables that turn TLS on (TEMPORAL_TLS=false beside one of them is a config error). */
export const TEMPORAL_TLS_SETTINGS = [
  'TEMPORAL_TLS_CA_FILE',
  'TEMPORAL_TLS_CERT_FILE',
  'TEMPORAL_TLS_KEY_FILE',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
] as const;

/** How a Temporal connection does TLS, in the SDK's TLSConfig shape (client and worker take the same). */
export interface TemporalTls {
  /** The server's CA; unset: the system's roots (Temporal Cloud). */
  serverRootCACertificate?: Buffer;
  /** The client certificate and key of mTLS. */
  clientCertPair?: { crt: Buffer; key: Buffer };
  /** The name the server's certificate is checked against (and SNI), instead of the address's host. */
  serverNameOverride?: string;
}

/**
 * The TLS the variables ask for, the PEM files read once at start; `tls` undefined means plaintext.
 * A file that cannot be read or holds no PEM block is a problem naming the variable and the path,
 * found at start rather than as a handshake failure minutes later.
 */
export function resolveTemporalTls(c: TemporalTlsVariables): { tls?: TemporalTls; problems: string[] } {
  const on = c.TEMPORAL_TLS === 'true' || TEMPORAL_TLS_SETTINGS.some((key) => c[key] !== undefined);
  if (!on) return { problems: [] };
  const problems: string[] = [];
  const read = (variable: keyof TemporalTlsVariables, file: string | undefined, pemLabel: RegExp, what: string) => {
    if (file === undefined) return undefined;
    const where = path.resolve(file) === file ? file : `${file} (${path.resolve(file)})`;
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (err) {
      problems.push(`${variable}: cannot read ${where}: ${readFailure(err)}`);
      return undefined;
    }
    if (!pemLabel.test(content.toString('latin1'))) {
      problems.push(`${variable}: ${where} is not a PEM ${what} (no "-----BEGIN ${what.toUpperCase()}-----" line)`);
      return undefined;
    }
    return content;
  };
  const ca = read('TEMPORAL_TLS_CA_FILE', c.TEMPORAL_TLS_CA_FILE, /-----BEGIN CERTIFICATE-----/, 'certificate');
  const crt = read('TEMPORAL_TLS_CERT_FILE', c.TEMPORAL_TLS_CERT_FILE, /-----BEGIN CERTIFICATE-----/, 'certificate');
  const key = read('TEMPORAL_TLS_KEY_FILE', c.TEMPORAL_TLS_KEY_FILE, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key');
  return {
    problems,
    tls: {
      ...(ca && { serverRootCACertificate: ca }),
      ...(crt && key && { clientCertPair: { crt, key } }),
      ...(c.TEMPORAL_TLS_SERVER_NAME && { serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME }),
    },
  };
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
