import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { findStoreTimeZone } from '../stores/store-time-zones';
import { buildReconciliation } from './reconciliation-builder';
import { ReconciliationRepository } from './reconciliation.repository';
import type { ReconciliationReport } from './reconciliation.types';

@Injectable()
export class ReconciliationService {
  constructor(
    private readonly repository: ReconciliationRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One store's day: the facts read in parallel, then the one builder both renderings share. */
  async report(store: string, date: string): Promise<ReconciliationReport> {
    const merchant = this.config.MERCHANT_ID;
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
