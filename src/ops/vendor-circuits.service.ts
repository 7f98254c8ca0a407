import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../core/config/app-config';
import { circuitOverrides, reportedCircuits, setCircuitOverride } from '../../core/vendor-circuits/vendor-circuits.store';
import { outsideKeyScope, type Principal } from '../access/principal';
import { ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config.module';
import type { CircuitForceRequest } from './dto/force-circuit.dto';
import { OpsAudit } from './ops-audit';
import { KNOWN_VENDORS } from './saga-list-query';
import { vendorCircuitView, type VendorCircuitView } from './vendor-circuits.view';

/**
 * The vendors' circuit breakers for ops: each worker reports its own to Postgres, and reads ops'
 * overrides from there (activities/vendors/vendor-circuit-sync.ts). The breakers serve every store
 * and merchant of the deployment, so only a merchant-wide key of the deployment's merchant sees or
 * forces them. Forcing is audited like the other ops actions.
 */
@Injectable()
export class VendorCircuitsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OpsAudit) private readonly audit: OpsAudit,
  ) {}

  async list(caller: Principal): Promise<{ vendors: VendorCircuitView[] }> {
    this.assertDeploymentWide(caller);
    const [reports, overrides] = await Promise.all([reportedCircuits(this.dataSource), circuitOverrides(this.dataSource)]);
    const now = Date.now();
    return { vendors: KNOWN_VENDORS.map((vendor) => vendorCircuitView(vendor, reports, overrides.find((o) => o.vendor === vendor), now)) };
  }

  async force(vendor: string, force: CircuitForceRequest, caller: Principal): Promise<VendorCircuitView> {
    this.assertDeploymentWide(caller);
    if (!(KNOWN_VENDORS as readonly string[]).includes(vendor)) {
      throw new ProblemException({ type: '/problems/not-found', title: 'No such vendor', status: 404, detail: `no vendor ${JSON.stringify(vendor.slice(0, 40))}: one of ${KNOWN_VENDORS.join(', ')}` });
    }
    const actor = `key:${caller.keyId}`;
    const override = await setCircuitOverride(this.dataSource, vendor, force === 'auto' ? null : force, actor);
    await this.audit.record(actor, {
      // Not a checkout's: the vendor's own chain of ops actions.
      checkoutId: `vendor-circuit:${vendor}`,
      runId: null,
      merchant: caller.merchant,
      store: '',
      till: '',
      vendor,
      operation: 'force_circuit',
      outcome: force,
    });
    return vendorCircuitView(vendor, await reportedCircuits(this.dataSource), override, Date.now());
  }

  private assertDeploymentWide(caller: Principal): void {
    if (caller.merchant !== this.config.MERCHANT_ID) {
      throw outsideKeyScope([{ field: 'merchant', message: "is not the deployment's merchant (MERCHANT_ID): the vendors' breakers serve every merchant" }]);
    }
    if (caller.store !== null) {
      throw outsideKeyScope([{ field: 'store', message: `is ${caller.store}: the vendors' breakers serve every store, a merchant-wide key sees and forces them` }]);
    }
  }
}
