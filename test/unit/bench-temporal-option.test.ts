import { parseBenchOptions } from '../../bench/bench-options';

describe('npm run bench -- --temporal', () => {
  it('runs on the dev server, on a SQLite file, unless told otherwise', () => {
    expect(parseBenchOptions(['--quick'])).toMatchObject({ temporal: 'dev', temporalDb: 'file' });
    expect(parseBenchOptions(['--temporal-db', 'memory'])).toMatchObject({ temporal: 'dev', temporalDb: 'memory' });
  });

  it('takes postgres and external', () => {
    expect(parseBenchOptions(['--temporal', 'postgres']).temporal).toBe('postgres');
    expect(parseBenchOptions(['--temporal=external']).temporal).toBe('external');
  });

  it('refuses another kind, the dev persistence with another kind, and a Temporal for an attached stack', () => {
    expect(() => parseBenchOptions(['--temporal', 'cloud'])).toThrow('--temporal cloud: use dev (the default), postgres or external');
    expect(() => parseBenchOptions(['--temporal', 'postgres', '--temporal-db', 'memory'])).toThrow(
      "--temporal-db is the dev server's persistence: with --temporal postgres, drop it",
    );
    expect(() => parseBenchOptions(['--temporal', 'external', '--url', 'http://127.0.0.1:3000'])).toThrow('--temporal with --url');
  });
});
