import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPosKeyCommand, devKeysWhere } from '../../core/access/dev-keys';

/** The `API keys` line of `npm start`'s banner. */
describe(devKeysWhere.name, () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'dev-keys-where-')), 'dev-keys.json');

  it('without the file (a fresh clone on a used database) says how to get a key, not where a missing file is', () => {
    const line = devKeysWhere('demo', file);
    expect(line).toBe(`not on disk (${file} is missing): npm run keys -- create --role pos --merchant demo --store S1`);
  });

  it('with the file, points at it', () => {
    writeFileSync(file, '{}');
    expect(devKeysWhere('demo', file)).toBe(`${file}  (more: ${createPosKeyCommand('demo')})`);
  });
});
