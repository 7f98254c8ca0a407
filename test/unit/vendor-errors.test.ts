import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import { definitelyNotApplied, vendorRejection, vendorResponseOf, vendorUnavailable } from '../../activities/vendors/vendor-errors';
import { RefusalCodes } from '../../workflows/checkout.contract';

describe('vendor failures', () => {
  const converter = new DefaultFailureConverter();
  const response = { status: 400, error: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION', parameters: ['contact', '+35799123456'] };

  it('keep the vendor response for the audit excerpt but out of what Temporal records', () => {
    for (const failure of [
      vendorRejection({ vendor: 'crmcom', code: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION', reason: 'Customer not found', httpStatus: 400, response }),
      vendorUnavailable('crmcom', 'HTTP 503', { httpStatus: 503, response }),
    ]) {
      expect(vendorResponseOf(failure)).toBe(response);
      const recorded = converter.errorToFailure(failure, defaultPayloadConverter);
      const payloads = recorded.applicationFailureInfo?.details?.payloads ?? [];
      const decoded = JSON.stringify(payloads.map((p) => defaultPayloadConverter.fromPayload(p)));
      expect(decoded).toContain('"code"');
      expect(decoded).not.toContain('+35799123456');
    }
  });

  it('tell a call the vendor certainly did not apply (never written, refused, 4xx, 503) from one it may have applied', () => {
    const notApplied = [
      vendorUnavailable('crmcom', 'connection refused', { notSent: true }),
      vendorUnavailable('crmcom', 'HTTP 503', { httpStatus: 503 }),
      vendorUnavailable('crmcom', 'HTTP 429', { httpStatus: 429 }),
      vendorRejection({ vendor: 'crmcom', code: 'InsufficientBalance', reason: 'not enough', httpStatus: 400 }),
    ];
    const mayHaveApplied = [
      vendorUnavailable('crmcom', 'timeout after the request was written'),
      vendorUnavailable('crmcom', 'HTTP 502', { httpStatus: 502 }),
      vendorUnavailable('crmcom', 'HTTP 504', { httpStatus: 504 }),
      vendorUnavailable('crmcom', 'HTTP 500', { httpStatus: 500 }),
      // Ours, not the vendor's answer: it must never clear the intent it was raised for.
      vendorRejection({ vendor: 'cmc', code: RefusalCodes.outcomeUnknown, reason: 'may have been applied', httpStatus: 400 }),
    ];
    expect(notApplied.map(definitelyNotApplied)).toEqual(notApplied.map(() => true));
    expect(mayHaveApplied.map(definitelyNotApplied)).toEqual(mayHaveApplied.map(() => false));
  });
});
