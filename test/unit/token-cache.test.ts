import { TokenCache } from '../../activities/vendors/token-cache';

/** The session token every adapter with sessions shares: issued once at a time, renewed once when refused. */
describe('TokenCache', () => {
  const refusal = new Error('token refused');
  const refused = (err: unknown) => err === refusal;

  function issuing() {
    let issued = 0;
    const cache = new TokenCache(() => Promise.resolve({ value: `t${++issued}`, renewAt: Number.MAX_SAFE_INTEGER }));
    return { cache, issued: () => issued };
  }

  it('issues one token for calls that ask together and reuses it', async () => {
    const { cache, issued } = issuing();
    const seen = await Promise.all([1, 2, 3].map(() => cache.withToken((t) => Promise.resolve(t), refused)));
    expect(seen).toEqual(['t1', 't1', 't1']);
    expect(issued()).toBe(1);
  });

  it('renews a refused token once and answers with the retry', async () => {
    const { cache, issued } = issuing();
    const seen: string[] = [];
    const result = await cache.withToken((t) => (seen.push(t), t === 't1' ? Promise.reject(refusal) : Promise.resolve(`ok with ${t}`)), refused);
    expect(result).toBe('ok with t2');
    expect(seen).toEqual(['t1', 't2']);
    expect(issued()).toBe(2);
  });

  it('takes a second refusal as the answer', async () => {
    const { cache } = issuing();
    const seen: string[] = [];
    await expect(cache.withToken((t) => (seen.push(t), Promise.reject(refusal)), refused)).rejects.toBe(refusal);
    expect(seen).toEqual(['t1', 't2']);
  });

  it('keeps the token when the failure is anything else', async () => {
    const { cache, issued } = issuing();
    const other = new Error('vendor said no');
    await expect(cache.withToken(() => Promise.reject(other), refused)).rejects.toBe(other);
    await expect(cache.withToken((t) => Promise.resolve(t), refused)).resolves.toBe('t1');
    expect(issued()).toBe(1);
  });

  it('keeps a newer token that replaced the refused one meanwhile', async () => {
    const { cache, issued } = issuing();
    let release!: () => void;
    const slow = cache.withToken((t) => (t === 't1' ? new Promise<string>((_, reject) => (release = () => reject(refusal))) : Promise.resolve(t)), refused);
    await Promise.resolve();
    // Another call is refused meanwhile and renews to t2; the slow call's refusal of t1 must not drop t2.
    await cache.withToken((t) => (t === 't1' ? Promise.reject(refusal) : Promise.resolve(t)), refused);
    release();
    await expect(slow).resolves.toBe('t2');
    expect(issued()).toBe(2);
  });
});
