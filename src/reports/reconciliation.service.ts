import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findStoreTimeZone } from '../../core/stores/store-time-zones';
import { buildReconciliation } from './reconciliation-builder';
import { ReconciliationRepository } from './reconciliation.repository';
import type { ReconciliationReport } from './reconciliation.types';

@Injectable()
export class ReconciliationService {
  constructor(
    private readonly repository: ReconciliationRepository,
    @Inject(DataSource) private readonly dataSource: DataSource
  ) {}

  /** One store's day: the facts read in parallel, then the one builder both renderings share. */
  async report(merchant: string, store: string, date: string): Promise<ReconciliationReport> {
    const zone = await findStoreTimeZone(this.dataSource, merchant, store);
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
