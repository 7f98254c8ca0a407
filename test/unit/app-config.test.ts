import { ConfigError, loadConfig } from '../../src/config/app-config';

describe('loadConfig', () => {
  it('defaults every vendor to the embedded sandbox', () => {
    const config = loadConfig({ SANDBOX_PORT: '4999' });
    expect(config.crmcomBaseUrl).toBe('http://127.0.0.1:4999/crmcom/crmapi/rest/v2');
    expect(config.usesSandbox).toBe(true);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/checkout_saga');
  });

  it('sends configured vendor URLs to the real vendor unchanged', () => {
    const config = loadConfig({ CRMCOM_BASE_URL: 'https://crm.example.com/crmapi/rest/v2' });
    expect(config.crmcomBaseUrl).toBe('https://crm.example.com/crmapi/rest/v2');
    expect(config.usesSandbox).toBe(false);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ CRMCOM_API: 'v3' })).toThrow(/CRMCOM_API/);
  });
});
