import { loggableUrl } from '../../core/logging/log-redaction';

describe('loggableUrl', () => {
  it("hides the development UI's codec token, the credential in the path", () => {
    expect(loggableUrl('/v1/codec/ui/RYI2Ly1XMH3KyAC-1EWD4PF5TNpmrkN6hzJMi4LSNuQ/decode')).toBe('/v1/codec/ui/[redacted]/decode');
    expect(loggableUrl('/v1/codec/ui/abc?x=1')).toBe('/v1/codec/ui/[redacted]?x=1');
  });

  it('leaves every other path as it is', () => {
    expect(loggableUrl('/v1/codec/decode')).toBe('/v1/codec/decode');
    expect(loggableUrl('/v1/checkouts/checkout:demo:S1:T1:R1')).toBe('/v1/checkouts/checkout:demo:S1:T1:R1');
    expect(loggableUrl(undefined)).toBeUndefined();
  });
});
