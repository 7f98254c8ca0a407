import { Injectable } from '@nestjs/common';
import { StoresRepository } from '../../core/stores/stores.repository';
import { buildReconciliation } from './reconciliation-builder';
import { ReconciliationRepository } from './reconciliation.repository';
import type { ReconciliationReport } from './reconciliation.types';

@Injectable()
export class ReconciliationService {
  constructor(
    private readonly repository: ReconciliationRepository,
    private readonly stores: StoresRepository,
  ) {}

  /** One store's day: the facts read in parallel, then the one builder both renderings share. */
  async report(merchant: string, store: string, date: string): Promise<ReconciliationReport> {
    const zone = await this.stores.timeZoneOf(merchant, store);
    const [bounds, checkoutEvents, returns, vendorCalls] = await Promise.all([
      this.repository.dayBounds(date, zone.timeZone),
      this.repository.checkoutEventsOfDay(merchant, store, date, zone.timeZone),
      this.repository.returnsOfDay(merchant, store, date, zone.timeZone),
      this.repository.vendorCallsOfDay(merchant, store, date, zone.timeZone),
    ]);
    return buildReconciliation({
      merchant, store, date, timeZone: zone.timeZone, timeZoneSource: zone.source, ...bounds, checkoutEvents, returns, vendorCalls,
    });
  }
}
