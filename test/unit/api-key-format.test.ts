import { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from '../../core/access/api-key-format';

describe('API key format', () => {
  it('generates cs_<keyId>_<secret> keys that parse back to their key id and match only their own hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^cs_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(a.key)).toEqual({ keyId: a.keyId });
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key.slice(-43));
    expect(apiKeyMatches(a.key, a.hash)).toBe(true);
    expect(apiKeyMatches(b.key, a.hash)).toBe(false);
  });

  it('refuses a key whose secret was changed, even with the right key id', () => {
    const { key, hash } = generateApiKey();
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(parseApiKey(tampered)).toBeDefined();
    expect(apiKeyMatches(tampered, hash)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['another prefix', `sk_0123456789ab_${'a'.repeat(43)}`],
    ['short key id', `cs_0123_${'a'.repeat(43)}`],
    ['short secret', 'cs_0123456789ab_abc'],
    ['padding', `cs_0123456789ab_${'a'.repeat(42)}=`],
    ['trailing space', `cs_0123456789ab_${'a'.repeat(43)} `],
  ])('does not parse a malformed key (%s)', (_name, text) => {
    expect(parseApiKey(text)).toBeUndefined();
  });

  it('compares against a malformed stored hash without throwing', () => {
    const { key } = generateApiKey();
    expect(apiKeyMatches(key, 'abc')).toBe(false);
  });
});
