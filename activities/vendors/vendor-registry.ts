import type { AppConfig } from '../../src/config/app-config';
import type { LoyaltyCapability } from './capabilities';
import { CrmcomLegacyVendor } from './crmcom-legacy.vendor';

/** The adapters this worker talks to, built once from config. A new vendor adds one line here. */
export interface VendorRegistry {
  loyalty: LoyaltyCapability;
}

export function createVendorRegistry(config: AppConfig): VendorRegistry {
  return {
    loyalty: new CrmcomLegacyVendor({
      baseUrl: config.crmcomBaseUrl,
      webApiKey: config.CRMCOM_WEB_API_KEY,
      unitName: config.CRMCOM_UNIT_NAME,
      timeoutMs: config.VENDOR_TIMEOUT_MS,
    }),
  };
}
