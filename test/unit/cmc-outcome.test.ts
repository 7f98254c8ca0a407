import { definitelyNotApplied } from '../../activities/vendors/cmc-envelope';
import { vendorRejection, vendorUnavailable } from '../../activities/vendors/vendor-errors';

const problem = (status: number) => ({ type: 'https://tools.ietf.org/html/rfc9110', title: 'Error', status, traceId: 't' });

/**
 * Which failed CMC sends may be sent again (cmc.vendor.ts clears the effect intent): only those
 * ClearLine certainly did not apply. Everything else may have been applied, and is never re-sent.
 */
describe(definitelyNotApplied.name, () => {
  it.each([
    ['connection refused: the request was never written', vendorUnavailable('cmc', 'pos.transaction: ECONNREFUSED', { notSent: true })],
    ['a 400 ProblemDetails refusal', vendorRejection({ vendor: 'cmc', code: 'HTTP_400', reason: 'x', httpStatus: 400, response: problem(400) })],
    ['a 401', vendorRejection({ vendor: 'cmc', code: 'HTTP_401', reason: 'x', httpStatus: 401 })],
    ['a 404', vendorRejection({ vendor: 'cmc', code: 'HTTP_404', reason: 'x', httpStatus: 404, response: problem(404) })],
    ['a posStatus other than Accepted', vendorRejection({ vendor: 'cmc', code: 'Disabled', reason: 'x', httpStatus: 200 })],
    ['a 408', vendorUnavailable('cmc', 'HTTP 408', { httpStatus: 408 })],
    ['a 429', vendorUnavailable('cmc', 'HTTP 429', { httpStatus: 429, retryAfterMs: 1000 })],
    ['a 503, whatever its body', vendorUnavailable('cmc', 'HTTP 503', { httpStatus: 503, response: '<html>down</html>' })],
  ])('%s: not applied', (_label, err) => {
    expect(definitelyNotApplied(err)).toBe(true);
  });

  it.each([
    ['a timeout after the request was written (the lost reply)', vendorUnavailable('cmc', 'pos.transaction: no answer within 1000 ms')],
    ['a connection reset', vendorUnavailable('cmc', 'pos.transaction: ECONNRESET')],
    ['a gateway 502', vendorUnavailable('cmc', 'HTTP 502', { httpStatus: 502, response: problem(502) })],
    ['a gateway 504', vendorUnavailable('cmc', 'HTTP 504', { httpStatus: 504, response: problem(504) })],
    ['a bare 500', vendorUnavailable('cmc', 'HTTP 500', { httpStatus: 500, response: '<html>oops</html>' })],
    // ASP.NET answers an exception thrown after the transaction was saved with its ProblemDetails too.
    ['a 500 carrying ClearLine\'s ProblemDetails', vendorUnavailable('cmc', 'HTTP 500', { httpStatus: 500, response: problem(500) })],
    ['a 200 without data.id', vendorUnavailable('cmc', 'answer without data.id', { response: { data: {} } })],
    ['a 200 without a data block', vendorUnavailable('cmc', 'HTTP 200 without a data block', { httpStatus: 200 })],
    ['an error that is no vendor failure', new TypeError('boom')],
  ])('%s: may have been applied', (_label, err) => {
    expect(definitelyNotApplied(err)).toBe(false);
  });
});
