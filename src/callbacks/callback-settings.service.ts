import { Inject, Injectable } from '@nestjs/common';
import { outsideKeyScope, type Principal } from '../access/principal';
import { invalidFields, ProblemException } from '../common/problem';
import { OpsAudit } from '../ops/ops-audit';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../../core/config/app-config';
import { CallbackSecretBox, newCallbackSecret } from '../../core/callbacks/callback-secret-box';
import { CallbackSettingsRepository, type StoreCallbackRow } from '../../core/callbacks/callback-settings.repository';
import { callbackUrlProblem } from './callback-url';
import type { CallbackSecretViewDto, MerchantCallbackViewDto, PutMerchantCallbackDto, PutStoreCallbackDto } from './dto/callback-settings.dto';

/**
 * The admin API over the merchant's callbacks (README "Callbacks"). The secret is generated here,
 * sealed before it is stored, and answered once (the first PUT, and each rotation); the audit rows
 * (`callback_put`, `callback_secret_rotated`, `callback_store_put`, `callback_store_delete`, on the
 * chain `callbacks:<merchant>`) carry URLs and the secret's id, never the secret.
 */
@Injectable()
export class CallbackSettingsService {
  constructor(
    @Inject(CallbackSettingsRepository) private readonly settings: CallbackSettingsRepository,
    @Inject(CallbackSecretBox) private readonly box: CallbackSecretBox,
    @Inject(OpsAudit) private readonly audit: OpsAudit,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(caller: Principal): Promise<MerchantCallbackViewDto> {
    const merchant = await this.settings.merchant(caller.merchant);
    const stores = (await this.settings.stores(caller.merchant)).filter((s) => caller.store === null || s.store === caller.store);
    return { url: merchant?.url ?? null, allCheckouts: merchant?.allCheckouts ?? false, secretId: merchant?.secretId ?? null, stores: stores.map(storeView) };
  }

  /** The merchant's URL and flag; the first time, a secret too (in this answer only). */
  async put(caller: Principal, dto: PutMerchantCallbackDto): Promise<MerchantCallbackViewDto> {
    assertMerchantWide(caller);
    if (dto.url !== null) this.assertUrl('url', dto.url);
    const saved = await this.settings.putMerchant(caller.merchant, dto.url, dto.allCheckouts ?? false);
    await this.record(caller, '-', 'callback_put', { url: saved.url, allCheckouts: saved.allCheckouts });
    const created = saved.secretId === null ? await this.rotate(caller) : undefined;
    const view = await this.get(caller);
    return created ? { ...view, secret: created.secret } : view;
  }

  async rotate(caller: Principal): Promise<CallbackSecretViewDto> {
    assertMerchantWide(caller);
    const secret = newCallbackSecret();
    await this.settings.putSecret(caller.merchant, this.box.seal(caller.merchant, secret));
    await this.record(caller, '-', 'callback_secret_rotated', { secretId: secret.id });
    return { secretId: secret.id, secret: secret.value };
  }

  async putStore(caller: Principal, store: string, dto: PutStoreCallbackDto): Promise<StoreCallbackRow> {
    assertStoreInScope(caller, store);
    this.assertUrl('url', dto.url);
    const saved = await this.settings.putStore(caller.merchant, store, dto.url);
    await this.record(caller, store, 'callback_store_put', { url: saved.url });
    return storeView(saved);
  }

  async removeStore(caller: Principal, store: string): Promise<void> {
    assertStoreInScope(caller, store);
    if (!(await this.settings.removeStore(caller.merchant, store))) {
      throw new ProblemException({ type: '/problems/not-found', title: 'No callback URL for this store', status: 404, detail: `${store} has no callback URL of its own` });
    }
    await this.record(caller, store, 'callback_store_delete', {});
  }

  private assertUrl(field: string, url: string): void {
    const problem = callbackUrlProblem(url, this.config.appEnv);
    if (problem) throw invalidFields([{ field, message: problem }]);
  }

  private async record(caller: Principal, store: string, operation: string, detail: Record<string, unknown>): Promise<void> {
    await this.audit.record(`key:${caller.keyId}`, {
      checkoutId: `callbacks:${caller.merchant}`,
      runId: null,
      merchant: caller.merchant,
      store,
      till: '-',
      operation,
      outcome: 'updated',
      detail: JSON.stringify(detail),
    });
  }
}

function storeView(row: StoreCallbackRow): StoreCallbackRow {
  return { store: row.store, url: row.url, updatedAt: row.updatedAt };
}

/** The merchant's own settings and secret: a key scoped to one store may not change them. */
function assertMerchantWide(caller: Principal): void {
  if (caller.store !== null) throw outsideKeyScope([{ field: 'store', message: `the merchant's callback settings need a merchant-wide key (this one is scoped to store ${caller.store})` }]);
}

function assertStoreInScope(caller: Principal, store: string): void {
  if (caller.store !== null && caller.store !== store) throw outsideKeyScope([{ field: 'store', message: `is outside this API key's scope (store ${caller.store})` }]);
}
