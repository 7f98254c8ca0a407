import type { PayloadCodec } from '@temporalio/common';
import type { AuditChainKeys } from '../core/audit/audit-keys';
import { AuditWriter } from '../core/audit/audit-writer';
import type { ExternalSealStore } from '../core/audit/external-seal-store';
import type { TextSealer } from '../core/temporal/encryption-codec';
import type { HeadCheckpointStore } from '../core/audit/head-checkpoint-store';
import { effectReferenceKeyer, EffectIntentsRepository } from '../core/effects/effect-intents.repository';
import { StepResultsRepository } from '../core/effects/step-results.repository';
import { createAuditCheckpointActivities } from './audit-checkpoint.activities';
import { createAuditSealActivities } from './audit-seal.activities';
import { createRetroTagActivities } from './capillary-retro.activities';
import { createValidationCodeActivities } from './capillary-validation-code.activities';
import { createCheckoutBatchActivities } from './checkout-batch.activities';
import { createCheckoutActivities, type ActivityDeps } from './checkout.activities';
import { createReturnActivities } from './checkout-return.activities';
import { createVoidActivities } from './checkout-void.activities';
import { createProductSyncActivities } from './product-sync.activities';
import { rememberStepResults } from './remembered-steps';

export type { ActivityDeps } from './checkout.activities';

/** Every activity the worker runs, wired to its dependencies (src/worker only); workflows import leaf files as types. */
export function createActivities(deps: ActivityDeps & { stepResultsCodec: PayloadCodec & TextSealer; auditKeys: AuditChainKeys; sealStore: ExternalSealStore; checkpointStore: HeadCheckpointStore }) {
  const audit = new AuditWriter(deps.dataSource, deps.customers, deps.auditKeys);
  const intents = new EffectIntentsRepository(deps.dataSource, undefined, effectReferenceKeyer(deps.customers));
  return {
    ...rememberStepResults(createCheckoutActivities(deps, audit, intents), new StepResultsRepository(deps.dataSource, deps.stepResultsCodec), deps.customers),
    ...createAuditSealActivities({ dataSource: deps.dataSource, auditKeys: deps.auditKeys, sealStore: deps.sealStore }),
    ...createAuditCheckpointActivities({ dataSource: deps.dataSource, checkpointStore: deps.checkpointStore }),
    ...createProductSyncActivities({ dataSource: deps.dataSource, catalogue: deps.vendors.catalogue, audit }),
    ...createVoidActivities({ ...deps.vendors, audit, intents }),
    ...createReturnActivities({ ...deps.vendors, audit, intents }),
    ...createCheckoutBatchActivities({ dataSource: deps.dataSource, codec: deps.stepResultsCodec }),
    ...createValidationCodeActivities({ validationCodes: deps.vendors.validationCodes, audit, intents }),
    ...createRetroTagActivities({ retroTagging: deps.vendors.retroTagging, audit, intents }),
  };
}
