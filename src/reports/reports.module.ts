import { Module } from '@nestjs/common';
import { StoresRepository } from '../../core/stores/stores.repository';
import { repositoryProvider } from '../database/repository.provider';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationService } from './reconciliation.service';

@Module({ controllers: [ReconciliationController], providers: [ReconciliationRepository, repositoryProvider(StoresRepository), ReconciliationService] })
export class ReportsModule {}
