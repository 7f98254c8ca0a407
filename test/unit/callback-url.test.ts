import { callbackUrlProblem } from '../../src/callbacks/callback-url';

describe(callbackUrlProblem.name, () => {
  it('takes https everywhere and http outside production only', () => {
    expect(callbackUrlProblem('https://pos.example.com/ended?store=S1', 'production')).toBeUndefined();
    expect(callbackUrlProblem('http://127.0.0.1:8080/ended', 'test')).toBeUndefined();
    expect(callbackUrlProblem('http://pos.example.com/ended', 'production')).toBe('must be https');
  });

  it.each([
    ['not a URL', 'pos.example.com/ended', /absolute URL/],
    ['another scheme', 'ftp://pos.example.com/ended', /https/],
    ['credentials', 'https://user:pw@pos.example.com/ended', /user name or password/],
    ['a fragment', 'https://pos.example.com/ended#x', /fragment/],
    ['too long', `https://pos.example.com/${'a'.repeat(2000)}`, /at most 2000/],
  ])('refuses %s', (_name, url, message) => {
    expect(callbackUrlProblem(url, 'development')).toMatch(message);
  });
});
