import { CreateAuditAndCheckouts1763769600000 } from './1763769600000-CreateAuditAndCheckouts';
import { AddCheckoutView1763856000000 } from './1763856000000-AddCheckoutView';
import { AddCheckoutTransitionSeq1763942400000 } from './1763942400000-AddCheckoutTransitionSeq';
import { CreateProductSyncs1764028800000 } from './1764028800000-CreateProductSyncs';
import { CreateCheckoutBatches1764201600000 } from './1764201600000-CreateCheckoutBatches';
import { CreateApiKeys1764288000000 } from './1764288000000-CreateApiKeys';
import { AddAuditChainAndSeals1764374400000 } from './1764374400000-AddAuditChainAndSeals';
import { CreateStoresAndFinanceIndexes1764460800000 } from './1764460800000-CreateStoresAndFinanceIndexes';
import { AddOpsActionAudit1764547200000 } from './1764547200000-AddOpsActionAudit';
import { CreateEffectIntents1764633600000 } from './1764633600000-CreateEffectIntents';
import { DropDuplicateAuditTimeIndex1764720000000 } from './1764720000000-DropDuplicateAuditTimeIndex';
import { CreateSagaStepResults1764806400000 } from './1764806400000-CreateSagaStepResults';
import { AddStoreVendorMapping1764892800000 } from './1764892800000-AddStoreVendorMapping';
import { AddProductSyncVendorProcesses1765065600000 } from './1765065600000-AddProductSyncVendorProcesses';
import { AddProductSyncUnverified1765152000000 } from './1765152000000-AddProductSyncUnverified';
import { AddAuditKeyIds1765324800000 } from './1765324800000-AddAuditKeyIds';
import { SealCheckoutBatchInputs1765411200000 } from './1765411200000-SealCheckoutBatchInputs';
import { CreateSecurityEvents1765497600000 } from './1765497600000-CreateSecurityEvents';
import { AddCheckoutRequestHash1765584000000 } from './1765584000000-AddCheckoutRequestHash';
import { AddCodecSecurityEvents1765670400000 } from './1765670400000-AddCodecSecurityEvents';
import { CreateCallbackOutbox1765756800000 } from './1765756800000-CreateCallbackOutbox';
import { CreateVendorCircuits1765843200000 } from './1765843200000-CreateVendorCircuits';

/**
 * Every migration, oldest first: one explicit list (test/unit/migration-list.test.ts checks it
 * against this folder), so the API, the worker and the migration runner see the same schema.
 */
export const MIGRATIONS = [
  CreateAuditAndCheckouts1763769600000,
  AddCheckoutView1763856000000,
  AddCheckoutTransitionSeq1763942400000,
  CreateProductSyncs1764028800000,
  CreateCheckoutBatches1764201600000,
  CreateApiKeys1764288000000,
  AddAuditChainAndSeals1764374400000,
  CreateStoresAndFinanceIndexes1764460800000,
  AddOpsActionAudit1764547200000,
  CreateEffectIntents1764633600000,
  DropDuplicateAuditTimeIndex1764720000000,
  CreateSagaStepResults1764806400000,
  AddStoreVendorMapping1764892800000,
  AddProductSyncVendorProcesses1765065600000,
  AddProductSyncUnverified1765152000000,
  AddAuditKeyIds1765324800000,
  SealCheckoutBatchInputs1765411200000,
  CreateSecurityEvents1765497600000,
  AddCheckoutRequestHash1765584000000,
  AddCodecSecurityEvents1765670400000,
  CreateCallbackOutbox1765756800000,
  CreateVendorCircuits1765843200000,
];
