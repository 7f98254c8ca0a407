import { JSON_DEPTH_LIMIT, tooDeepPath } from '../../src/common/json-depth';
import { jsonBodyLimitOf } from '../../src/common/json-body-limits';

/** `depth` objects nested under key `key`, innermost holding 1: depth 1 is `{"a":1}`. */
const nestedObjects = (depth: number, key = 'a'): unknown => JSON.parse(`${`{${JSON.stringify(key)}:`.repeat(depth)}1${'}'.repeat(depth)}`);
const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('tooDeepPath', () => {
  it('passes scalars, and bodies exactly at the limit', () => {
    for (const scalar of [null, 1, 'x', true, undefined]) expect(tooDeepPath(scalar)).toBeUndefined();
    expect(tooDeepPath(nestedObjects(JSON_DEPTH_LIMIT))).toBeUndefined();
    expect(tooDeepPath(nestedArrays(JSON_DEPTH_LIMIT))).toBeUndefined();
    expect(tooDeepPath({ sales: [{ points: { identifier: { type: 'phone' } } }] })).toBeUndefined();
  });

  it('names the first container one level beyond the limit, as the validation errors name fields', () => {
    expect(tooDeepPath(nestedObjects(JSON_DEPTH_LIMIT + 1))).toBe(Array(JSON_DEPTH_LIMIT).fill('a').join('.'));
    expect(tooDeepPath(nestedArrays(JSON_DEPTH_LIMIT + 1))).toBe(`body${'[0]'.repeat(JSON_DEPTH_LIMIT)}`);
    expect(tooDeepPath({ lines: [{ sku: 'x' }, { sku: nestedArrays(3) }], other: nestedArrays(3) }, 4)).toBe('lines[1].sku[0]');
    expect(tooDeepPath({ 'a b': { c: {} } }, 2)).toBe('["a b"].c');
  });

  it('shortens long keys in the path', () => {
    const path = tooDeepPath({ ['k'.repeat(1000)]: { x: {} } }, 2);
    expect(path).toBe(`["${'k'.repeat(40)}…"].x`);
  });

  it('walks 100,000 levels without recursion (a recursive walk overflows the stack)', () => {
    expect(tooDeepPath(nestedArrays(100_000), 100_000)).toBeUndefined();
    expect(tooDeepPath(nestedObjects(100_000))).toMatch(/^a(\.a){31}$/);
  });

  it('walks a wide body once: 100,000 products in well under a second', () => {
    const products = { products: Array.from({ length: 100_000 }, (_, i) => ({ code: `P${i}`, tags: [{ a: 1 }] })) };
    const started = performance.now();
    expect(tooDeepPath(products)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('jsonBodyLimitOf', () => {
  it('gives the list routes their own limits and every other route 256 KB, matched as Express routes', () => {
    expect(jsonBodyLimitOf('POST', '/v1/products/sync')).toEqual({ bytes: 16 * 1024 * 1024, label: '16 MB' });
    expect(jsonBodyLimitOf('post', '/V1/Products/Sync/')).toEqual({ bytes: 16 * 1024 * 1024, label: '16 MB' });
    expect(jsonBodyLimitOf('POST', '/v1/checkouts/batch').label).toBe('8.8 MB');
    expect(jsonBodyLimitOf('POST', '/v1/checkouts').label).toBe('1 MB');
    expect(jsonBodyLimitOf('POST', '/v1/checkouts/checkout:demo:S1:T1:REF1/returns').label).toBe('758 KB');
    expect(jsonBodyLimitOf('post', '/v1/checkouts/{id}/returns').label).toBe('758 KB');
    expect(jsonBodyLimitOf('POST', '/v1/checkouts/a/b/returns').label).toBe('256 KB');
    expect(jsonBodyLimitOf('POST', '/v1/codec/decode').label).toBe('16 MB');
    expect(jsonBodyLimitOf('PUT', '/v1/products/sync')).toEqual({ bytes: 256 * 1024, label: '256 KB' });
    expect(jsonBodyLimitOf('POST', '/v1/checkouts/abc/capillary-customer')).toEqual({ bytes: 256 * 1024, label: '256 KB' });
  });

  it('takes 500 lines of the longest SKUs and descriptions with every non-ASCII character escaped as \\uXXXX (the default of .NET), and 18 KB more for the sale’s other fields at their longest', () => {
    const line = { sku: 'Ω'.repeat(100), description: 'Ω'.repeat(200), quantity: 9999.999, totalAmount: '99999999.99', netAmount: '99999999.99', vatAmount: '0.00' };
    const body = { store: 'S'.repeat(40), till: 'T'.repeat(40), posReference: 'R'.repeat(64), performedOn: '2026-11-21T10:00:00.000+02:00', currency: 'EUR', lines: Array.from({ length: 500 }, () => line), complete: true };
    const escaped = JSON.stringify(body).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(Buffer.byteLength(escaped)).toBeGreaterThan(500 * 1800);
    expect(jsonBodyLimitOf('POST', '/v1/checkouts').bytes - Buffer.byteLength(escaped)).toBeGreaterThanOrEqual(18 * 1024);
  });
});
