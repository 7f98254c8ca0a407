import { loadConfig } from '../../core/config/app-config';
import { checkExternalTemporal } from '../../src/dev-stack/temporal-external';
import { startApiKeyProxy, type ApiKeyProxy } from '../support/api-key-proxy';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';
import { TEST_RUNTIME_DATABASE_URL, testTemporalAddress } from '../support/test-env';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy';
import { buildDist, startWorkerProcess } from '../support/worker-process';

/**
 * `--temporal=external` against a server we do not run: the suite's dev server behind a TLS front that
 * demands a client certificate (a cluster with mTLS), and behind an HTTP/2 front that demands an API
 * key (Temporal Cloud). Worker (Rust core) and API (grpc-js) connect through the same options.
 */
describe('Temporal behind TLS, mTLS and an API key', () => {
  const API_KEY = 'test-api-key-not-a-secret';
  let certs: TestCertificates;
  let mtls: TlsProxy;
  let cloud: ApiKeyProxy;

  beforeAll(async () => {
    certs = makeTestCertificates();
    mtls = await startTlsProxy({ target: testTemporalAddress(), certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile });
    cloud = await startApiKeyProxy({ target: testTemporalAddress(), certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, apiKey: API_KEY });
  });
  afterAll(async () => {
    await mtls?.close();
    await cloud?.close();
    certs?.remove();
  });

  const mtlsEnv = (overrides: Record<string, string> = {}) => ({
    TEMPORAL_ADDRESS: mtls.address,
    TEMPORAL_TLS_CA_FILE: certs.caFile,
    TEMPORAL_TLS_CERT_FILE: certs.clientCertFile,
    TEMPORAL_TLS_KEY_FILE: certs.clientKeyFile,
    ...overrides,
  });
  const cloudEnv = (overrides: Record<string, string> = {}) => ({
    TEMPORAL_ADDRESS: cloud.address,
    TEMPORAL_TLS_CA_FILE: certs.caFile,
    TEMPORAL_API_KEY: API_KEY,
    ...overrides,
  });
  const configOf = (env: Record<string, string>) => loadConfig({ APP_ENV: 'test', DATABASE_URL: TEST_RUNTIME_DATABASE_URL, ...env });

  /** A one-shot checkout through the API, and its saga seen on the server through the same front. */
  const expectCheckoutCompletes = async (stack: TestStack) => {
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference())).expect(201);
    expect(res.body).toMatchObject({ state: 'completed', receipt: { total: '10.00' } });
    const saga = await stack.temporal.workflow.getHandle(res.body.checkoutId).describe();
    expect(saga.status.name).toBe('COMPLETED');
  };

  it('runs a checkout with the worker process (dist/src/worker.js) and the API each presenting the client certificate (mTLS)', async () => {
    buildDist();
    const stack = await startTestStack(mtlsEnv(), { worker: false });
    const worker = await startWorkerProcess(stack.config, 'worker-mtls.log');
    try {
      await expectCheckoutCompletes(stack);
    } finally {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
      await stack.stop();
    }
  }, 180_000);

  it('runs a checkout with the worker and the API sending the API key', async () => {
    const accepted = cloud.counts.accepted;
    const stack = await startTestStack(cloudEnv());
    try {
      await expectCheckoutCompletes(stack);
    } finally {
      await stack.stop();
    }
    // Worker polls and client calls alike went through the key check.
    expect(cloud.counts.accepted - accepted).toBeGreaterThan(5);
    expect(cloud.counts.refused).toBe(0);
  });

  it('describes the server it reached: address, protection and namespace', async () => {
    await expect(checkExternalTemporal(configOf(mtlsEnv()))).resolves.toBe(
      `Temporal at ${mtls.address} (TLS with TEMPORAL_TLS_CA_FILE, mTLS client cert), namespace default`,
    );
    const before = cloud.counts.accepted;
    await expect(checkExternalTemporal(configOf(cloudEnv()))).resolves.toBe(`Temporal at ${cloud.address} (TLS with TEMPORAL_TLS_CA_FILE, API key), namespace default`);
    expect(cloud.counts.accepted).toBe(before + 1);
  });

  it('says the TLS handshake failed and what to check when the server certificate is not signed by the configured CA', async () => {
    await expect(checkExternalTemporal(configOf(mtlsEnv({ TEMPORAL_TLS_CA_FILE: certs.otherCaFile })))).rejects.toThrow(
      `Temporal at ${mtls.address}: TLS handshake failed (self-signed certificate in certificate chain); check that TEMPORAL_TLS_CA_FILE is the CA that signed the server certificate`,
    );
  });

  it('says the TLS handshake failed and names the client certificate when the server requires one', async () => {
    const noClientCert = configOf({ TEMPORAL_ADDRESS: mtls.address, TEMPORAL_TLS_CA_FILE: certs.caFile });
    await expect(checkExternalTemporal(noClientCert)).rejects.toThrow(
      `Temporal at ${mtls.address}: TLS handshake failed (tlsv13 alert certificate required); check TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE: the server requires a client certificate (mTLS)`,
    );
  });

  it('checks the server certificate against TEMPORAL_TLS_SERVER_NAME instead of the address', async () => {
    await expect(checkExternalTemporal(configOf(mtlsEnv({ TEMPORAL_TLS_SERVER_NAME: 'localhost' })))).resolves.toContain('namespace default');
    await expect(checkExternalTemporal(configOf(mtlsEnv({ TEMPORAL_TLS_SERVER_NAME: 'temporal.example' })))).rejects.toThrow(
      `Temporal at ${mtls.address}: TLS handshake failed (Hostname/IP does not match certificate's altnames: Host: temporal.example. is not in the cert's altnames: IP Address:127.0.0.1, DNS:localhost); check TEMPORAL_TLS_SERVER_NAME: it must be a name the server certificate holds (unset: the host of TEMPORAL_ADDRESS)`,
    );
  });

  it('tells a plaintext client at a TLS server, and a TLS client at a plaintext server, what to set', async () => {
    await expect(checkExternalTemporal(configOf({ TEMPORAL_ADDRESS: mtls.address }))).rejects.toThrow(
      `Temporal at ${mtls.address}: no gRPC answer (Failed to connect); check TEMPORAL_ADDRESS, and whether the server requires TLS: TEMPORAL_TLS=true, or TEMPORAL_TLS_CA_FILE for a private CA`,
    );
    await expect(checkExternalTemporal(configOf({ TEMPORAL_ADDRESS: testTemporalAddress(), TEMPORAL_TLS: 'true' }))).rejects.toThrow(
      `Temporal at ${testTemporalAddress()}: TLS handshake failed (wrong version number); check that TEMPORAL_ADDRESS is a TLS endpoint: the server answered in plaintext (a plaintext server takes no TEMPORAL_TLS* or TEMPORAL_API_KEY)`,
    );
  });

  it('says the credentials were refused for a wrong API key, which the front refused', async () => {
    const refusedBefore = cloud.counts.refused;
    await expect(checkExternalTemporal(configOf(cloudEnv({ TEMPORAL_API_KEY: 'wrong-key' })))).rejects.toThrow(
      `Temporal at ${cloud.address}: refused the credentials (Request unauthorized: no valid API key); check TEMPORAL_API_KEY and that they grant namespace default`,
    );
    expect(cloud.counts.refused).toBe(refusedBefore + 1);
  });

  it('names a namespace that does not exist, and an address nothing listens on', async () => {
    await expect(checkExternalTemporal(configOf(mtlsEnv({ TEMPORAL_NAMESPACE: 'no-such-namespace' })))).rejects.toThrow(
      /namespace no-such-namespace does not exist there \(.+\); check TEMPORAL_NAMESPACE/,
    );
    await expect(checkExternalTemporal(configOf({ TEMPORAL_ADDRESS: '127.0.0.1:9' }))).rejects.toThrow(
      'Temporal at 127.0.0.1:9: unreachable (connect ECONNREFUSED 127.0.0.1:9); check TEMPORAL_ADDRESS and that the server is up and reachable from here',
    );
  });

  it('refuses to start with a TLS file that does not exist, naming the variable and the path', () => {
    expect(() => configOf(mtlsEnv({ TEMPORAL_TLS_CA_FILE: '/nonexistent/ca.pem' }))).toThrow(
      'Invalid configuration: TEMPORAL_TLS_CA_FILE: cannot read /nonexistent/ca.pem: no such file',
    );
    expect(() => configOf(mtlsEnv({ TEMPORAL_TLS_KEY_FILE: certs.clientCertFile }))).toThrow(
      `TEMPORAL_TLS_KEY_FILE: ${certs.clientCertFile} is not a PEM private key`,
    );
  });
});
