import { SANDBOX_CREDENTIALS } from '../../core/config/app-config';

/**
 * The sandboxed Capillary org: the credentials and seed names tests use, and the org settings the
 * handlers enforce. Kept apart from the state so every handler file can read them without an import cycle.
 */

/** The OAuth client it accepts: the app's defaults outside production (core/config, SANDBOX_CREDENTIALS). */
export const CAPILLARY_SANDBOX_OAUTH = { key: SANDBOX_CREDENTIALS.CAPILLARY_OAUTH_KEY, secret: SANDBOX_CREDENTIALS.CAPILLARY_OAUTH_SECRET } as const;
/** Till credentials for Basic auth: `Authorization: Basic base64(<till>:<md5(password)>)`. */
export const CAPILLARY_SANDBOX_TILL = { code: 'sandbox.till01', password: 'sandbox-till-password' } as const;
/**
 * `cardNumber` / `cardExternalId`: the guide's "Insert the primary identifier of a customer (mobile no., email ID, card
 * number, etc.)"; vendors.md §2 "Find customer … `card_number`". The number is the sandbox's own.
 */
export const CAPILLARY_SANDBOX_CUSTOMER = { mobile: '919999999999', email: 'tom.sawyer@example.com', externalId: 'TS123', cardNumber: '7000100020003000', cardExternalId: 'CARD-TS123', points: 1000 } as const;
/**
 * `multiUse` is redeemable without limit (`redemptions_left` −1): vendors.md §2, Idempotency, "Multi-use
 * coupons (`redemptions_left` −1 or > 1) can be double-redeemed". The others are single-use.
 */
export const CAPILLARY_SANDBOX_COUPONS = { redeemable: '06000041', redeemed: 'P7WNQWF4', expired: '4OZ1UDDA', percent: 'JL07UAZ3', multiUse: 'MU7T1USE' } as const;

export const VENDOR = 'capillary';
/**
 * The org's base currency; every amount in and out is in it. EUR, as CAPILLARY_CURRENCY's default, so
 * the checkouts of `npm start` and the tests (all in EUR) are ones this org keeps.
 */
export const ORG_CURRENCY = 'EUR';
export const ORG_ID = 100458;
export const PROGRAM_ID = 1016;
/** points_currency_ratio: what one point is worth. CENTS_PER_POINT is the same, in minor units. */
export const POINTS_CURRENCY_RATIO = '0.01';
export const CENTS_PER_POINT = 1;
export const MAX_BILL_NUMBER_LENGTH = 50;

/** The settings PUT /_sandbox/org-config may change; reset() restores DEFAULT_CONFIG. */
export interface OrgConfig {
  pointsMultiple: number;
  minRedeemPoints: number;
  maxRedeemPoints: number;
  tokenTtlSeconds: number;
  /**
   * The org setting `Allow_points_redemption_reversal`, which `v2/points/reverse` needs. Off by
   * default, as at a real org: vendors.md §2 "It needs the org setting
   * `Allow_points_redemption_reversal` (raised via Capillary ticket) and v2 enabled", and Capillary's
   * v2 points documentation (K6): "Enable Allow_points_redemption_reversal config on EMF settings.
   * Only the back-end team has access to this page. Please raise a ticket to enable the config."
   * An org has it only once someone asked for it; `{"allowPointsRedemptionReversal": true}` does here.
   */
  allowPointsRedemptionReversal: boolean;
  /** CONF_CLIENT_BILL_NO_REGEX: the format of bill numbers (CAPILLARY_BILL_NUMBER_REGEX's default). */
  billNumberFormat: string;
  /**
   * Mobile validation of redemptions (vendors.md §2: "824 mobile validation mandatory"): on, a
   * redemption needs a validation code issued by `points/validationcode` and `skip_validation` is not
   * honoured. Off by default, so the flows that send `skip_validation=true` work as before; an org
   * that requires it is `{"validationRequired": true}` (CAPILLARY_VALIDATION_REQUIRED on our side).
   */
  validationRequired: boolean;
  /** "Validity is set in InTouch OTP settings" (vendors.md §2): how long an issued code is accepted and re-sent. */
  validationCodeValidityMinutes: number;
  /** vendors.md §2, Rate limits: "HTTP 429 (OTP generation: 10 OTPs per user per day by default)". */
  validationCodesPerDay: number;
  /** CONF_RETRO_TRANSACTION_ENABLE: "To allow conversion of not-interested transactions to loyalty transactions". */
  retroEnabled: boolean;
  /** CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS: "Maximum timeframe (between transaction and tagging customer)". */
  retroMaxAgeDays: number;
}

export const DEFAULT_CONFIG: OrgConfig = {
  pointsMultiple: 1,
  minRedeemPoints: 10,
  maxRedeemPoints: 5000,
  tokenTtlSeconds: 300,
  allowPointsRedemptionReversal: false,
  billNumberFormat: '^[A-Za-z0-9_.:-]+$',
  validationRequired: false,
  validationCodeValidityMinutes: 15,
  validationCodesPerDay: 10,
  // Off, as the guide lists it as a setting an org turns on; PUT org-config {"retroEnabled": true}.
  retroEnabled: false,
  retroMaxAgeDays: 30,
};

/**
 * `v2/points/reverse`'s refusal on an org without the setting. Neither vendors.md nor the v2 page
 * names it; Capillary's own loyalty API tests (public GitHub, `test_LYT_RED_REVERSE_01`, the same
 * suite the sandbox's 3801 and 4102 come from) expect code 4101 "points redemption reversal is
 * disabled for this org" for an org "which not Enabled for reversal".
 */
export const REVERSAL_DISABLED: readonly [number, string] = [4101, 'points redemption reversal is disabled for this org'];
