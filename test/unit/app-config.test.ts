import { ConfigError, loadConfig, ownerDatabaseUrl, PRODUCTION_REQUIRED_KEYS, SANDBOX_CREDENTIALS, VENDOR_URL_KEYS, vendorCredentialKeys } from '../../core/config/app-config';

/** Everything production needs: its own keys, every vendor's URL and credentials. */
const PRODUCTION = {
  CRMCOM_WEB_API_KEY: 'crm-web-key',
  CAPILLARY_OAUTH_KEY: 'cap-key',
  CAPILLARY_OAUTH_SECRET: 'cap-secret',
  COUPONTOOLS_CLIENT_ID: 'ct-id',
  COUPONTOOLS_CLIENT_SECRET: 'ct-secret',
  CMC_CLIENT_ID: 'cmc-id',
  CMC_CLIENT_SECRET: 'cmc-secret',
  AUDIT_HMAC_KEY: 'k'.repeat(32),
  AUDIT_CHAIN_KEY: 'c'.repeat(32),
  TEMPORAL_CODEC_KEY: Buffer.alloc(32, 9).toString('base64'),
  CRMCOM_BASE_URL: 'https://crm.example.com/crmapi/rest/v2',
  CAPILLARY_BASE_URL: 'https://eu.api.capillarytech.com',
  COUPONTOOLS_BASE_URL: 'https://api.coupontools.com/v3',
  CMC_BASE_URL: 'https://public-api-demo.clearline.me',
  CMC_TOKEN_URL: 'https://auth.clearline.me/connect/token',
  AUDIT_SEAL_DIR: '/var/lib/checkout-saga/audit-seals',
};

describe('loadConfig', () => {
  it('defaults every vendor to the embedded sandbox', () => {
    const config = loadConfig({ APP_ENV: 'test', SANDBOX_PORT: '4999' });
    expect(config.crmcomBaseUrl).toBe('http://127.0.0.1:4999/crmcom/crmapi/rest/v2');
    expect(config.usesSandbox).toBe(true);
    expect(config.DATABASE_URL).toBe('postgres://checkout_saga_app@127.0.0.1:5432/checkout_saga');
  });

  it('sends configured vendor URLs to the real vendor unchanged, and needs the sandbox while any is unset', () => {
    const real = {
      CRMCOM_BASE_URL: 'https://crm.example.com/crmapi/rest/v2',
      CAPILLARY_BASE_URL: 'https://eu.api.capillarytech.com',
      COUPONTOOLS_BASE_URL: 'https://api.coupontools.com/v3',
      CMC_BASE_URL: 'https://public-api-demo.clearline.me',
    };
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_BASE_URL: real.CRMCOM_BASE_URL }).usesSandbox).toBe(true);
    const config = loadConfig({ APP_ENV: 'test', ...real });
    expect(config.crmcomBaseUrl).toBe(real.CRMCOM_BASE_URL);
    expect(config.capillaryBaseUrl).toBe(real.CAPILLARY_BASE_URL);
    expect(config.coupontoolsBaseUrl).toBe(real.COUPONTOOLS_BASE_URL);
    expect(config.cmcBaseUrl).toBe(real.CMC_BASE_URL);
    expect(config.usesSandbox).toBe(false);
  });

  it('gives the Postgres-backed Temporal 4 history shards and its own databases by default, and validates them', () => {
    expect(loadConfig({ APP_ENV: 'test' })).toMatchObject({ TEMPORAL_HISTORY_SHARDS: 4, TEMPORAL_POSTGRES_DATABASE: 'temporal', TEMPORAL_POSTGRES_VISIBILITY_DATABASE: 'temporal_visibility' });
    expect(loadConfig({ APP_ENV: 'test', TEMPORAL_HISTORY_SHARDS: '16384', TEMPORAL_MANAGED: 'false' })).toMatchObject({ TEMPORAL_HISTORY_SHARDS: 16384, TEMPORAL_MANAGED: 'false' });
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_HISTORY_SHARDS: '0' })).toThrow(/TEMPORAL_HISTORY_SHARDS/);
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_HISTORY_SHARDS: '16385' })).toThrow(/TEMPORAL_HISTORY_SHARDS/);
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_MANAGED: 'no' })).toThrow(/TEMPORAL_MANAGED/);
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
    expect(loadConfig({ APP_ENV: 'test', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' }).TEMPORAL_ADDRESS).toBe('ns.acct.tmprl.cloud:7233');
    expect(loadConfig({ APP_ENV: 'test', TEMPORAL_ADDRESS: '[::1]:7233' }).TEMPORAL_ADDRESS).toBe('[::1]:7233');
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_POSTGRES_DATABASE: 'temporal"; drop' })).toThrow(/TEMPORAL_POSTGRES_DATABASE/);
  });

  it('sheds load by default, and refuses load shedding bounds that cannot hold', () => {
    expect(loadConfig({ APP_ENV: 'test' })).toMatchObject({ LOAD_SHEDDING: 'on', LOAD_SHEDDING_MIN_IN_FLIGHT: 10, LOAD_SHEDDING_MAX_IN_FLIGHT: 500, LOAD_SHEDDING_BUDGET_SHARE: 0.4, LOAD_SHEDDING_POLL_MS: 500 });
    expect(() => loadConfig({ APP_ENV: 'test', LOAD_SHEDDING: 'yes' })).toThrow(/LOAD_SHEDDING/);
    expect(() => loadConfig({ APP_ENV: 'test', LOAD_SHEDDING_MIN_IN_FLIGHT: '20', LOAD_SHEDDING_MAX_IN_FLIGHT: '10' })).toThrow(/LOAD_SHEDDING_MIN_IN_FLIGHT/);
    expect(() => loadConfig({ APP_ENV: 'test', LOAD_SHEDDING_BUDGET_SHARE: '0' })).toThrow(/LOAD_SHEDDING_BUDGET_SHARE/);
    expect(() => loadConfig({ APP_ENV: 'test', LOAD_SHEDDING_BUDGET_SHARE: '1.5' })).toThrow(/LOAD_SHEDDING_BUDGET_SHARE/);
  });

  it('points CRM.COM at the generation CRMCOM_API names', () => {
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice' }).crmcomBaseUrl).toBe('http://127.0.0.1:4010/crmcom/backoffice/v1');
  });

  it("defaults the back-office reduction to front_end and the spend secrets to vendors.md's field names, and validates both", () => {
    const config = loadConfig({ APP_ENV: 'test' });
    expect([config.CRMCOM_REDUCTION, config.CRMCOM_OTP_FIELD, config.CRMCOM_PASS_CODE_FIELD]).toEqual(['front_end', 'spend_request.otp', 'spend_request.pass_code']);
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_REDUCTION: 'back_end', CRMCOM_OTP_FIELD: 'otp' })).toMatchObject({ CRMCOM_REDUCTION: 'back_end', CRMCOM_OTP_FIELD: 'otp' });
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_REDUCTION: 'BACK_END' })).toThrow(/CRMCOM_REDUCTION/);
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_PASS_CODE_FIELD: 'a.b.c' })).toThrow(/CRMCOM_PASS_CODE_FIELD/);
  });

  it('follows product sync processes by default only with the sandbox (CRMCOM_SYNC_MONITORING)', () => {
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice' }).crmcomSyncMonitoring).toBe(true);
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice', CRMCOM_BASE_URL: 'https://crm.example.com/backoffice/v1' }).crmcomSyncMonitoring).toBe(false);
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_BASE_URL: 'https://crm.example.com/backoffice/v1', CRMCOM_SYNC_MONITORING: 'on' }).crmcomSyncMonitoring).toBe(true);
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_SYNC_MONITORING: 'off' }).crmcomSyncMonitoring).toBe(false);
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_SYNC_MONITORING: 'yes' })).toThrow(/CRMCOM_SYNC_MONITORING/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ APP_ENV: 'test', API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_API: 'v3' })).toThrow(/CRMCOM_API/);
  });

  it("keeps each vendor account's currency (EUR, the sandbox's, by default) and the Capillary bill number format, validated", () => {
    expect(loadConfig({ APP_ENV: 'test' }).vendorCurrencies).toEqual({ crmcom: 'EUR', capillary: 'EUR', coupontools: 'EUR', cmc: 'EUR' });
    expect(loadConfig({ APP_ENV: 'test', CAPILLARY_CURRENCY: 'INR' }).vendorCurrencies.capillary).toBe('INR');
    expect(loadConfig({ APP_ENV: 'test', CAPILLARY_BILL_NUMBER_REGEX: '^[0-9]+$' }).capillaryBillNumberFormat.test('12')).toBe(true);
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_CURRENCY: 'EURO' })).toThrow(/CRMCOM_CURRENCY: must be an ISO 4217 currency code/);
    expect(() => loadConfig({ APP_ENV: 'test', CAPILLARY_BILL_NUMBER_REGEX: '[' })).toThrow(/CAPILLARY_BILL_NUMBER_REGEX: must be a regular expression/);
    expect(() => loadConfig({ APP_ENV: 'test', COUPONTOOLS_VALUE_CUSTOM_FIELD: 'custom8' })).toThrow(/COUPONTOOLS_VALUE_CUSTOM_FIELD/);
  });

  it('refuses to start production without its own audit HMAC key, audit chain key and payload codec key', () => {
    expect(() => loadConfig({ APP_ENV: 'production' })).toThrow(
      /AUDIT_HMAC_KEY: is required in production.*AUDIT_CHAIN_KEY: is required in production.*TEMPORAL_CODEC_KEY: is required in production/,
    );
    expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/TEMPORAL_CODEC_KEY: must be base64 of 32 bytes/);
    const config = loadConfig({ APP_ENV: 'production', ...PRODUCTION });
    expect(config.temporalCodecKey.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(config.auditHmacKey).toBe('k'.repeat(32));
    expect(config.appEnv).toBe('production');
    expect(config.auditChainKeys.knownIds).toEqual(['1']);
    expect(config.usesSandbox).toBe(false);
  });

  it('fails closed: without APP_ENV it is production, and refuses to start naming every missing key and vendor URL in one error', () => {
    let error: unknown;
    try {
      loadConfig({});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const key of [...PRODUCTION_REQUIRED_KEYS, ...VENDOR_URL_KEYS]) expect(message).toContain(`${key}: is required in production (APP_ENV is unset`);
    // Only the missing ones are named.
    const partial = () => loadConfig({ ...PRODUCTION, AUDIT_HMAC_KEY: undefined, CMC_TOKEN_URL: undefined });
    expect(partial).toThrow(/^Invalid configuration: AUDIT_HMAC_KEY: is required in production \(APP_ENV is unset[^;]*; CMC_TOKEN_URL: is required in production \(APP_ENV is unset[^;]*$/);
    // With all of them it starts, as production: no development keys, no sandbox, no /docs.
    const config = loadConfig(PRODUCTION);
    expect(config).toMatchObject({ appEnv: 'production', usesSandbox: false, auditHmacKey: 'k'.repeat(32) });
  });

  it('refuses production without AUDIT_SEAL_DIR (the default is a folder of the working directory); elsewhere it defaults', () => {
    expect(() => loadConfig({ APP_ENV: 'production', ...PRODUCTION, AUDIT_SEAL_DIR: undefined })).toThrow(/^Invalid configuration: AUDIT_SEAL_DIR: is required in production$/);
    expect(loadConfig({ APP_ENV: 'development' }).AUDIT_SEAL_DIR).toBe('.data/audit-seals');
  });

  it('refuses the sandbox in production: each vendor URL left unset is named', () => {
    for (const key of VENDOR_URL_KEYS) {
      expect(() => loadConfig({ APP_ENV: 'production', ...PRODUCTION, [key]: undefined })).toThrow(new RegExp(`^Invalid configuration: ${key}: is required in production$`));
    }
  });

  it("refuses production without each vendor's credentials (the sandbox's are public), CRM.COM's for the API it calls", () => {
    for (const key of vendorCredentialKeys('legacy')) {
      expect(() => loadConfig({ APP_ENV: 'production', ...PRODUCTION, [key]: undefined })).toThrow(new RegExp(`^Invalid configuration: ${key}: is required in production$`));
    }
    // The back-office API is called with CRMCOM_API_KEY, not the legacy web API key.
    expect(() => loadConfig({ APP_ENV: 'production', ...PRODUCTION, CRMCOM_API: 'backoffice' })).toThrow(/^Invalid configuration: CRMCOM_API_KEY: is required in production$/);
    expect(loadConfig({ APP_ENV: 'production', ...PRODUCTION, CRMCOM_API: 'backoffice', CRMCOM_WEB_API_KEY: undefined, CRMCOM_API_KEY: 'crm-key' }).CRMCOM_API_KEY).toBe('crm-key');
    expect(loadConfig({ APP_ENV: 'production', ...PRODUCTION }).CAPILLARY_OAUTH_SECRET).toBe('cap-secret');
    // Outside production, unset means the sandbox's own.
    expect(loadConfig({ APP_ENV: 'development' })).toMatchObject(SANDBOX_CREDENTIALS);
  });

  it('allows the development keys and the sandbox only with APP_ENV development or test, and validates APP_ENV', () => {
    for (const appEnv of ['development', 'test']) {
      expect(loadConfig({ APP_ENV: appEnv })).toMatchObject({ appEnv, usesSandbox: true, auditHmacKey: expect.stringMatching(/^dev-only-/) });
    }
    expect(() => loadConfig({ APP_ENV: 'prod' })).toThrow(/APP_ENV/);
    // NODE_ENV decides nothing any more.
    expect(() => loadConfig({ NODE_ENV: 'development' })).toThrow(/AUDIT_HMAC_KEY: is required in production/);
  });

  it('migrates as DATABASE_OWNER_URL; unset: the local superuser outside production, refused in production', () => {
    expect(ownerDatabaseUrl(loadConfig({ APP_ENV: 'test', DATABASE_URL: 'postgres://app:pw@db.example:5433/shop' }))).toBe('postgres://postgres@db.example:5433/shop');
    expect(ownerDatabaseUrl(loadConfig({ APP_ENV: 'test', DATABASE_OWNER_URL: 'postgres://owner@db/shop' }))).toBe('postgres://owner@db/shop');
    expect(() => ownerDatabaseUrl(loadConfig(PRODUCTION))).toThrow(/DATABASE_OWNER_URL: is required to migrate in production/);
    expect(loadConfig({ APP_ENV: 'test' })).toMatchObject({ DATABASE_RUNTIME_ROLE: 'checkout_saga_runtime', DATABASE_STATEMENT_TIMEOUT_MS: 15_000, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 60_000 });
    expect(() => loadConfig({ APP_ENV: 'test', DATABASE_RUNTIME_ROLE: 'Runtime"; drop' })).toThrow(/DATABASE_RUNTIME_ROLE/);
    expect(() => loadConfig({ APP_ENV: 'test', DATABASE_URL: 'postgres://owner:a@db/shop', DATABASE_OWNER_URL: 'postgres://owner:b@db/shop' })).toThrow(
      /DATABASE_URL: connects as the same role as DATABASE_OWNER_URL/,
    );
    expect(() => loadConfig({ APP_ENV: 'test', DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });

  it('reads the audit chain key, its id and the older keys that still verify, and refuses malformed ones', () => {
    expect(loadConfig({ APP_ENV: 'test' }).auditChainKeys.knownIds).toEqual(['dev']);
    const rotated = loadConfig({ APP_ENV: 'test', AUDIT_CHAIN_KEY: 'n'.repeat(32), AUDIT_CHAIN_KEY_ID: 'k3', AUDIT_CHAIN_OLD_KEYS: `k1:${'a'.repeat(32)}, k2:${'b:'.repeat(16)}` });
    expect(rotated.auditChainKeys.knownIds).toEqual(['k3', 'k1', 'k2']);
    expect(rotated.auditChainKeys.currentId).toBe('k3');
    expect(() => loadConfig({ APP_ENV: 'test', AUDIT_CHAIN_KEY: 'short' })).toThrow(/AUDIT_CHAIN_KEY/);
    expect(() => loadConfig({ APP_ENV: 'test', AUDIT_CHAIN_KEY_ID: 'a b' })).toThrow(/AUDIT_CHAIN_KEY_ID/);
    expect(() => loadConfig({ APP_ENV: 'test', AUDIT_CHAIN_OLD_KEYS: 'k1:short' })).toThrow(/AUDIT_CHAIN_OLD_KEYS: must be id:key pairs/);
    expect(() => loadConfig({ APP_ENV: 'test', AUDIT_CHAIN_OLD_KEYS: 'a'.repeat(40) })).toThrow(/AUDIT_CHAIN_OLD_KEYS: must be id:key pairs/);
    expect(() => loadConfig({ APP_ENV: 'test', AUDIT_CHAIN_KEY: 'n'.repeat(32), AUDIT_CHAIN_KEY_ID: 'k1', AUDIT_CHAIN_OLD_KEYS: `k1:${'a'.repeat(32)}` })).toThrow(
      /AUDIT_CHAIN_OLD_KEYS: lists the current key id k1/,
    );
    expect(loadConfig({ APP_ENV: 'test' }).AUDIT_SEAL_DIR).toBe('.data/audit-seals');
  });

  it('redeems Capillary points after the bill unless the org allows reversal and before_payment is chosen', () => {
    expect(loadConfig({ APP_ENV: 'test' })).toMatchObject({ CAPILLARY_POINTS_REDEMPTION: 'after_bill', CAPILLARY_POINTS_REVERSAL_ALLOWED: false });
    expect(() => loadConfig({ APP_ENV: 'test', CAPILLARY_POINTS_REDEMPTION: 'before_payment' })).toThrow(/CAPILLARY_POINTS_REDEMPTION: before_payment needs CAPILLARY_POINTS_REVERSAL_ALLOWED=true/);
    expect(loadConfig({ APP_ENV: 'test', CAPILLARY_POINTS_REDEMPTION: 'before_payment', CAPILLARY_POINTS_REVERSAL_ALLOWED: 'true' }).CAPILLARY_POINTS_REDEMPTION).toBe('before_payment');
    expect(() => loadConfig({ APP_ENV: 'test', CAPILLARY_POINTS_REVERSAL_ALLOWED: 'yes' })).toThrow(/CAPILLARY_POINTS_REVERSAL_ALLOWED/);
  });
});
