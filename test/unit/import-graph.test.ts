import { join } from 'node:path';
import madge from 'madge';

const root = join(__dirname, '../..');

describe('the import graph', () => {
  it('has no import circle in core/, src/, workflows/ or activities/ (type-only imports aside)', async () => {
    const graph = await madge(['core', 'src', 'workflows', 'activities', 'migrations'].map((dir) => join(root, dir)), {
      baseDir: root,
      fileExtensions: ['ts'],
      tsConfig: join(root, 'tsconfig.json'),
      // Workflows name activity types from leaf files; a type import is erased, so it closes no circle.
      detectiveOptions: { ts: { skipTypeImports: true } },
    });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(200); // the whole tree was read
    expect(graph.circular()).toEqual([]);
  }, 60_000);
});
