import { isIanaTimeZone, localDate, localDateTimeNoZone, localDateTimeSpaced, localIsoWithOffset } from '../../core/stores/local-time';

/** A store's wall clock in each vendor's form, across midnight and the DST changes. */
describe('local vendor times', () => {
  it.each([
    // Nicosia: +02:00 in winter, +03:00 in summer; New York: -05:00 / -04:00; UTC.
    ['2026-11-21T23:30:00Z', 'Asia/Nicosia', '2026-11-22T01:30:00', '2026-11-22T01:30:00+02:00'],
    ['2026-07-01T21:15:07.900Z', 'Asia/Nicosia', '2026-07-02T00:15:07', '2026-07-02T00:15:07+03:00'],
    ['2026-07-01T02:00:00Z', 'America/New_York', '2026-06-30T22:00:00', '2026-06-30T22:00:00-04:00'],
    ['2026-01-15T04:59:59Z', 'America/New_York', '2026-01-14T23:59:59', '2026-01-14T23:59:59-05:00'],
    ['2026-03-29T00:59:59Z', 'Europe/London', '2026-03-29T00:59:59', '2026-03-29T00:59:59+00:00'],
    ['2026-03-29T01:00:00Z', 'Europe/London', '2026-03-29T02:00:00', '2026-03-29T02:00:00+01:00'],
    ['2026-11-21T00:00:00Z', 'UTC', '2026-11-21T00:00:00', '2026-11-21T00:00:00+00:00'],
    ['2026-11-21T10:00:00Z', 'Asia/Kolkata', '2026-11-21T15:30:00', '2026-11-21T15:30:00+05:30'],
  ])('%s in %s is %s (%s)', (instant, zone, noZone, withOffset) => {
    expect(localDateTimeNoZone(instant, zone)).toBe(noZone);
    expect(localDateTimeSpaced(instant, zone)).toBe(noZone.replace('T', ' '));
    expect(localDate(instant, zone)).toBe(noZone.slice(0, 10));
    expect(localIsoWithOffset(instant, zone)).toBe(withOffset);
    // The offset form names the same instant.
    expect(Date.parse(withOffset)).toBe(Math.floor(Date.parse(instant) / 1000) * 1000);
  });

  it('refuses an instant that is not one', () => {
    expect(() => localDateTimeNoZone('yesterday', 'UTC')).toThrow(RangeError);
  });

  it.each([
    ['Asia/Nicosia', true],
    ['America/Argentina/Buenos_Aires', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['+02:00', false],
    ['', false],
    [42, false],
  ])('isIanaTimeZone(%j) is %s', (name, known) => {
    expect(isIanaTimeZone(name)).toBe(known);
  });
});
