import { randomInt } from 'node:crypto';

/**
 * The sandbox's OTP spend tokens (vendor-docs/crmcom-v2-pos-ecommerce.txt, "Purchase with OTP Spend
 * Request", STEP 1: "Contact requests an OTP spend token from CRM.COM"). The guide says no more of
 * them than "OTP", one-time: a token spends once, for the contact it was issued to, and a spent one is
 * never given back (vendors.md: "A consumed OTP cannot be restored (ask the customer for a new one)"),
 * not even by cancelling its purchase. Lifetime is not documented: ours is TTL_MS, or what the
 * minting test asks for.
 */
const TTL_MS = 10 * 60 * 1000;

interface Otp {
  contactId: string;
  expiresAt: number;
  usedBy: string | null;
}

export type OtpVerdict = 'ok' | 'unknown' | 'used' | 'expired';

export class SandboxOtps {
  private otps = new Map<string, Otp>();

  reset(): void {
    this.otps.clear();
  }

  /** A fresh 6-digit token for the contact; `ttlMs` 0 or less mints one already expired. */
  issue(contactId: string, ttlMs = TTL_MS): string {
    for (;;) {
      const otp = String(randomInt(100_000, 1_000_000));
      if (this.otps.has(otp)) continue;
      this.otps.set(otp, { contactId, expiresAt: Date.now() + ttlMs, usedBy: null });
      return otp;
    }
  }

  /** Whether `otp` may authorise a spend of `contactId` now (a token of another contact is unknown to it). */
  check(otp: string, contactId: string): OtpVerdict {
    const found = this.otps.get(otp);
    if (!found || found.contactId !== contactId) return 'unknown';
    if (found.usedBy !== null) return 'used';
    if (found.expiresAt <= Date.now()) return 'expired';
    return 'ok';
  }

  consume(otp: string, purchaseId: string): void {
    const found = this.otps.get(otp);
    if (found) found.usedBy = purchaseId;
  }
}
