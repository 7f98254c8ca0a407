import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import { vendorRejection, vendorResponseOf, vendorUnavailable } from '../../activities/vendors/vendor-errors';

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
});
