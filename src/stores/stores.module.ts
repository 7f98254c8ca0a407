import { Module } from '@nestjs/common';
import { StoreDirectory } from '../../core/stores/store-directory';
import { StoresRepository } from '../../core/stores/stores.repository';
import { repositoryProvider } from '../database/repository.provider';
import { OpsAudit } from '../ops/ops-audit';
import { StoresController } from './stores.controller';
import { StoresService } from './stores.service';

/**
 * Stores as data: the admin API, and the one StoreDirectory (a 10 s per-process cache) that checkouts
 * and batch uploads resolve a store's profile through; exported for their modules.
 */
@Module({
  controllers: [StoresController],
  providers: [
    repositoryProvider(StoresRepository),
    { provide: StoreDirectory, inject: [StoresRepository], useFactory: (stores: StoresRepository) => new StoreDirectory(stores) },
    OpsAudit,
    StoresService,
  ],
  exports: [StoreDirectory],
})
export class StoresModule {}
