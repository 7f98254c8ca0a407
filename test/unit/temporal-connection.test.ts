import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config/app-config';
import { temporalConnectionEnv, temporalConnectionOptions } from '../../core/temporal/temporal-connection';
import { channelError, securityOf } from '../../src/dev-stack/temporal-external';

describe('Temporal connection options (TEMPORAL_TLS*, TEMPORAL_API_KEY)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'temporal-connection-'));
  const pem = (name: string, label: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`);
    return file;
  };
  const ca = pem('ca.pem', 'CERTIFICATE');
  const crt = pem('client.pem', 'CERTIFICATE');
  const key = pem('client.key', 'PRIVATE KEY');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('connects in plaintext to the address by default, as to the dev server', () => {
    expect(temporalConnectionOptions(loadConfig({ APP_ENV: 'test' }))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('turns TLS on with the system roots for TEMPORAL_TLS=true, and for an API key alone (Temporal Cloud)', () => {
    expect(temporalConnectionOptions(loadConfig({ APP_ENV: 'test', TEMPORAL_TLS: 'true' }))).toEqual({ address: '127.0.0.1:7233', tls: {} });
    const cloud = loadConfig({ APP_ENV: 'test', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k-123' });
    expect(temporalConnectionOptions(cloud)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k-123' });
    expect(securityOf(cloud)).toBe('TLS, API key');
  });

  it('reads the CA, the client certificate and key, and the server name into one TLS config', () => {
    const config = loadConfig({ APP_ENV: 'test', TEMPORAL_TLS_CA_FILE: ca, TEMPORAL_TLS_CERT_FILE: crt, TEMPORAL_TLS_KEY_FILE: key, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    const { tls } = temporalConnectionOptions(config);
    expect(tls?.serverRootCACertificate?.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls?.clientCertPair?.key.toString()).toContain('BEGIN PRIVATE KEY');
    expect(tls?.serverNameOverride).toBe('temporal.internal');
    expect(securityOf(config)).toBe('TLS with TEMPORAL_TLS_CA_FILE, mTLS client cert');
  });

  it('refuses half a client certificate, TLS settings beside TEMPORAL_TLS=false, and a file that is not PEM', () => {
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_TLS_CERT_FILE: crt })).toThrow(
      'TEMPORAL_TLS_KEY_FILE: is required too: the client certificate and its key come as a pair (mTLS)',
    );
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toThrow(
      'TEMPORAL_TLS: is false, but TEMPORAL_API_KEY need TLS (an API key would travel unencrypted)',
    );
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_TLS_CA_FILE: key })).toThrow(`TEMPORAL_TLS_CA_FILE: ${key} is not a PEM certificate`);
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_TLS_CA_FILE: dir })).toThrow(`TEMPORAL_TLS_CA_FILE: cannot read ${dir}: it is a directory`);
  });

  it('hands a child process the variables that reach the same server, and only those set', () => {
    expect(temporalConnectionEnv(loadConfig({ APP_ENV: 'test', TEMPORAL_ADDRESS: 'h:1', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CA_FILE: ca }))).toEqual({
      TEMPORAL_ADDRESS: 'h:1',
      TEMPORAL_API_KEY: 'k',
      TEMPORAL_TLS_CA_FILE: ca,
    });
  });

  it("cuts grpc-js's channel error to its reason", () => {
    expect(channelError('No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9. Resolution note: ')).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(
      channelError(
        'No connection established. Last error: 807CCC3C237F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-12-06T00:34:03.595Z). Resolution note: ',
      ),
    ).toBe('tlsv13 alert certificate required');
    expect(channelError('Request unauthorized')).toBe('Request unauthorized');
  });
});
