import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { outsideKeyScope } from '../access/principal';
import { invalidFields, ProblemException } from '../common/problem';
import { OpsAudit } from '../ops/ops-audit';
import { StoreDirectory } from '../../core/stores/store-directory';
import { StoresRepository, type StoreRow } from '../../core/stores/stores.repository';
import type { PutStoreDto, StoreViewDto } from './dto/put-store.dto';

/**
 * The admin API over the merchant's stores: what a checkout at each store is checked against and
 * carries (core/stores). Every change is audited like an ops action (`store_put`, `store_delete`), on
 * the store's own chain `store:<merchant>:<store>`; this process's cache forgets the store at once.
 */
@Injectable()
export class StoresService {
  constructor(
    @Inject(StoresRepository) private readonly stores: StoresRepository,
    @Inject(StoreDirectory) private readonly directory: StoreDirectory,
    @Inject(OpsAudit) private readonly audit: OpsAudit,
  ) {}

  async list(caller: Principal): Promise<StoreViewDto[]> {
    const rows = await this.stores.list(caller.merchant);
    return rows.filter((r) => caller.store === null || r.store === caller.store).map(viewOf);
  }

  async get(caller: Principal, store: string): Promise<StoreViewDto> {
    const row = caller.store === null || caller.store === store ? await this.stores.find(caller.merchant, store) : undefined;
    if (!row) throw notFound(store);
    return viewOf(row);
  }

  async put(caller: Principal, store: string, dto: PutStoreDto): Promise<{ store: StoreViewDto; created: boolean }> {
    if (caller.store !== null && caller.store !== store) throw outsideKeyScope([{ field: 'store', message: `is outside this API key's scope (store ${caller.store})` }]);
    const fields = {
      timeZone: dto.timeZone,
      crmcomUnit: dto.crmcomUnit ?? null,
      crmcomOutlet: dto.crmcomOutlet ?? null,
      cmcLocation: dto.cmcLocation ?? null,
      cmcTerminals: dto.cmcTerminals ?? {},
    };
    const before = await this.stores.find(caller.merchant, store);
    if (before && before.timeZone !== fields.timeZone && (await this.stores.isInUse(caller.merchant, store)).sealed) {
      throw inUse('timeZone', `${store} has sealed audit days in ${before.timeZone}: its time zone is fixed (a new zone would leave hours in no seal or in two)`);
    }
    let saved: { row: StoreRow; created: boolean };
    try {
      saved = await this.stores.upsert(caller.merchant, store, fields);
    } catch (err) {
      // The database's own check (is_time_zone over pg_timezone_names) after the API's: a name one knows and the other not.
      const driverError = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (driverError?.code === '23514' && driverError.constraint === 'stores_time_zone_check') {
        throw invalidFields([{ field: 'timeZone', message: 'is not a time zone the database knows' }]);
      }
      throw err;
    }
    this.directory.forget(caller.merchant, store);
    await this.audit.record(actorOf(caller), {
      ...auditPlace(caller.merchant, store),
      operation: 'store_put',
      outcome: saved.created ? 'created' : 'updated',
      detail: JSON.stringify(fields),
    });
    return { store: viewOf(saved.row), created: saved.created };
  }

  async remove(caller: Principal, store: string): Promise<void> {
    const visible = caller.store === null || caller.store === store;
    if (visible && (await this.stores.isInUse(caller.merchant, store)).sold) {
      throw inUse('store', `${store} has checkouts: its row is kept for their voids, returns, replays and audit seals (revoke its keys to stop selling there)`);
    }
    const removed = visible && (await this.stores.remove(caller.merchant, store));
    if (!removed) throw notFound(store);
    this.directory.forget(caller.merchant, store);
    await this.audit.record(actorOf(caller), { ...auditPlace(caller.merchant, store), operation: 'store_delete', outcome: 'deleted' });
  }
}

function viewOf(row: StoreRow): StoreViewDto {
  return {
    store: row.store,
    timeZone: row.timeZone,
    crmcomUnit: row.crmcomUnit,
    crmcomOutlet: row.crmcomOutlet,
    cmcLocation: row.cmcLocation,
    cmcTerminals: row.cmcTerminals,
    updatedAt: row.updatedAt,
  };
}

/** A store change is audited on its own chain, not a checkout's. */
function auditPlace(merchant: string, store: string) {
  return { checkoutId: `store:${merchant}:${store}`, runId: null, merchant, store, till: '-' };
}

function actorOf(caller: Principal): string {
  return `key:${caller.keyId}`;
}

function inUse(field: string, message: string): ProblemException {
  return new ProblemException({ type: '/problems/store-in-use', title: 'The store is in use', status: 409, detail: message, errors: [{ field, message }] });
}

function notFound(store: string): ProblemException {
  return new ProblemException({ type: '/problems/not-found', title: 'No such store', status: 404, detail: `${store} does not exist` });
}
