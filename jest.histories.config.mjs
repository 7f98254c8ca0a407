/**
 * Records the workflow histories that test/workflows/replay.test.ts replays
 * (test/workflows/record-histories.ts): `npm run record-histories`, never part of `npm test`. The
 * workflows project's setup (a Temporal dev server, the migrated test database), one file.
 */
import config from './jest.config.js';

const workflows = config.projects.find((p) => p.displayName === 'workflows');

export default {
  testTimeout: config.testTimeout,
  projects: [{ ...workflows, displayName: 'record-histories', testMatch: ['<rootDir>/test/workflows/record-histories.ts'] }],
};
