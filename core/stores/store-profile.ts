import type { StoreProfile } from '../../workflows/store-profile.contract';
import type { StoreRow } from './stores.repository';

/** The profile a checkout at `till` of this store carries: fallbacks resolved, the till's terminal picked. */
export function storeProfileOf(row: StoreRow, till: string): StoreProfile {
  return {
    timeZone: row.timeZone,
    ...(row.crmcomUnit && { crmcomUnit: row.crmcomUnit }),
    ...(row.crmcomOutlet && { crmcomOutlet: row.crmcomOutlet }),
    cmcLocation: row.cmcLocation ?? row.store,
    // Own keys only: a till named "constructor" or "toString" is not in the mapping.
    cmcTerminal: Object.hasOwn(row.cmcTerminals, till) ? row.cmcTerminals[till] : till,
  };
}
