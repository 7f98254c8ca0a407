import { loadConfig, type AppConfig } from '../../core/config/app-config';
import { sealLegacyProjectionCodes, type SealedCodesProgress } from '../../core/checkouts/legacy-projection-codes';
import { createRuntimeDataSource } from '../../core/database/data-source';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { parseCliArgs, runCliMain } from '../common/cli';

const USAGE = `usage: npm run seal-coupon-codes [-- --merchant M]
  seals the coupon codes that checkouts rows and queued callbacks written before codes were sealed at
  rest still hold in clear (once after upgrading; safe to run again and while the app runs)`;

/**
 * `npm run seal-coupon-codes`: the one-off step after upgrading a deployment whose checkouts
 * projection predates sealed coupon codes (core/checkouts/projection-codes.ts). Runs as the runtime
 * role with the payload codec's current key; prints its progress and exits 0.
 */
export async function runSealCouponCodesCli(argv: string[], config: AppConfig, out: (line: string) => void): Promise<number> {
  const { values } = parseCliArgs(argv, { merchant: { type: 'string' } });
  const merchant = values.merchant as string | undefined;
  const dataSource = await createRuntimeDataSource(config, 1).initialize();
  try {
    const report = ({ table, scanned, sealed }: SealedCodesProgress) => {
      if (scanned % 10_000 === 0) out(`${table}: ${scanned} rows read, ${sealed} sealed so far`);
    };
    const totals = await sealLegacyProjectionCodes(dataSource, encryptionCodecFor(config), { merchant, report });
    for (const { table, scanned, sealed } of totals) out(`${table}: ${scanned} rows read, ${sealed} had coupon codes in clear and are sealed now`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runCliMain('seal-coupon-codes', USAGE, () => runSealCouponCodesCli(process.argv.slice(2), loadConfig(), (line) => console.log(line)));
}
