import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** PEM files of a throwaway PKI: paths for the config, contents for a test server. */
export interface TestCertificates {
  dir: string;
  /** The CA that signed the server and client certificates. */
  caFile: string;
  /** For 127.0.0.1 and localhost. */
  serverCertFile: string;
  serverKeyFile: string;
  /** A client certificate (mTLS) signed by the same CA. */
  clientCertFile: string;
  clientKeyFile: string;
  /** A second, unrelated CA: trusting it instead of caFile must fail the handshake. */
  otherCaFile: string;
  read(file: string): Buffer;
  remove(): void;
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with `openssl` in a tmp dir. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkout-saga-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.error) throw new Error(`openssl is needed for the TLS tests: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  };
  const newCa = (name: string) =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`));
  const signed = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${subject}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2',
      '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
  };
  newCa('ca');
  newCa('other-ca');
  signed('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('client', 'checkout-saga-worker', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    otherCaFile: file('other-ca.pem'),
    read: (f) => readFileSync(f),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
