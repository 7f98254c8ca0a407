import { loadConfig } from '../../core/config/app-config';
import { parseCliArgs, runCliMain } from '../common/cli';
import { ensureAppSchedulesFor, scheduleLine } from './app-schedules';

const USAGE = 'usage: npm run schedules   (creates or updates every Temporal Schedule of the app; run it on every deploy)';

/**
 * `npm run schedules`, the deploy step that gives a Temporal cluster the app's schedules (`npm start`
 * does the same for the local stack). Exits 0 once all exist with today's settings, 1 naming the
 * failure (the configuration refused, Temporal unreachable).
 */
if (require.main === module) {
  runCliMain('schedules', USAGE, async () => {
    parseCliArgs(process.argv.slice(2), {}); // it takes none: anything else is a usage error (2)
    for (const outcome of await ensureAppSchedulesFor(loadConfig())) console.log(scheduleLine(outcome));
    return 0;
  });
}
