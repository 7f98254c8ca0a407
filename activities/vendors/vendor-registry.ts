import type { AppConfig } from '../../core/config/app-config';
import type { CouponProvider } from '../../workflows/checkout.contract';
import { createCapillaryVendor } from './capillary.vendor';
import type {
  CatalogueCapability,
  CouponCapability,
  LoyaltyCapability,
  PointsCapability,
  PostTenderCapability,
  TransactionCapability,
  RetroTaggingCapability,
  ValidationCodeCapability,
} from './capabilities';
import { createCmcVendor } from './cmc.vendor';
import { createCouponToolsVendor } from './coupontools.vendor';
import { createCrmcomBackofficeVendor } from './crmcom-backoffice.vendor';
import { createCrmcomLegacyVendor } from './crmcom-legacy.vendor';
import type { VendorCircuits } from './vendor-circuits';

/**
 * The adapters this worker talks to, by capability, built once from config. A new vendor adds its
 * adapter here; sagas never name a vendor's class.
 */
export interface VendorRegistry {
  loyalty: LoyaltyCapability;
  catalogue: CatalogueCapability;
  points: PointsCapability;
  coupons: Record<CouponProvider, CouponCapability>;
  transactions: TransactionCapability;
  postTender: PostTenderCapability;
  validationCodes: ValidationCodeCapability;
  retroTagging: RetroTaggingCapability;
}

/** With `circuits`, every adapter's HTTP goes through its vendor's breaker (vendor-circuits.ts). */
export function createVendorRegistry(config: AppConfig, circuits?: VendorCircuits): VendorRegistry {
  const crmcom = config.CRMCOM_API === 'backoffice' ? createCrmcomBackofficeVendor(config, circuits) : createCrmcomLegacyVendor(config, circuits);
  const capillary = createCapillaryVendor(config, circuits);
  return {
    loyalty: crmcom,
    catalogue: config.crmcomSyncMonitoring ? crmcom : withoutMonitoring(crmcom),
    points: capillary,
    coupons: { coupontools: createCouponToolsVendor(config, circuits), capillary },
    transactions: capillary,
    postTender: createCmcVendor(config, circuits),
    validationCodes: capillary,
    retroTagging: capillary,
  };
}

/**
 * The catalogue without its process monitoring (CRMCOM_SYNC_MONITORING=off): a batch accepted as an
 * asynchronous process is then counted unverified (product-sync.activities.ts), never looked at.
 */
function withoutMonitoring(catalogue: CatalogueCapability): CatalogueCapability {
  return { vendor: catalogue.vendor, synchroniseProducts: (ctx, products) => catalogue.synchroniseProducts(ctx, products) };
}
