/**
 * The sandboxed Capillary org: the credentials and seed names tests use, and the org settings the
 * handlers enforce. Kept apart from the state so every handler file can read them without an import cycle.
 */

export const CAPILLARY_SANDBOX_OAUTH = { key: 'sandbox-capillary-key', secret: 'sandbox-capillary-secret' } as const;
/** Till credentials for Basic auth: `Authorization: Basic base64(<till>:<md5(password)>)`. */
export const CAPILLARY_SANDBOX_TILL = { code: 'sandbox.till01', password: 'sandbox-till-password' } as const;
export const CAPILLARY_SANDBOX_CUSTOMER = { mobile: '919999999999', email: 'tom.sawyer@example.com', externalId: 'TS123', points: 1000 } as const;
export const CAPILLARY_SANDBOX_COUPONS = { redeemable: '06000041', redeemed: 'P7WNQWF4', expired: '4OZ1UDDA', percent: 'JL07UAZ3' } as const;

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
  /** CONF_CLIENT_BILL_NO_REGEX: the format of bill numbers (CAPILLARY_BILL_NUMBER_REGEX's default). */
  billNumberFormat: string;
}

export const DEFAULT_CONFIG: OrgConfig = {
  pointsMultiple: 1,
  minRedeemPoints: 10,
  maxRedeemPoints: 5000,
  tokenTtlSeconds: 300,
  billNumberFormat: '^[A-Za-z0-9_.:-]+$',
};
