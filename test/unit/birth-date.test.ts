import { isPastCalendarDay } from '../../src/checkouts/dto/checkout-extras.dto';

describe('CMC birth date', () => {
  const now = Date.UTC(2026, 11, 5, 22, 0);
  it('takes a real day up to today (anywhere on Earth), refuses a day that does not exist or is still to come', () => {
    expect(isPastCalendarDay('1990-04-30', now)).toBe(true);
    expect(isPastCalendarDay('2000-02-29', now)).toBe(true);
    expect(isPastCalendarDay('2026-12-06', now)).toBe(true); // already the 6th at UTC+14
    expect(isPastCalendarDay('1990-02-31', now)).toBe(false);
    expect(isPastCalendarDay('1900-02-29', now)).toBe(false);
    expect(isPastCalendarDay('2026-12-07', now)).toBe(false);
    expect(isPastCalendarDay('2030-01-01', now)).toBe(false);
  });
});
