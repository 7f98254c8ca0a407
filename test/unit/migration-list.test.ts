import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';

describe('MIGRATIONS', () => {
  it('lists every file of migrations/, oldest first, each under the class name its file declares', () => {
    const files = readdirSync(join(__dirname, '../../migrations'))
      .filter((f) => /^\d+-\w+\.ts$/.test(f))
      .sort();
    // <timestamp>-<Name>.ts declares class <Name><timestamp> (TypeORM's generated naming).
    const expected = files.map((f) => {
      const [, timestamp, name] = /^(\d+)-(\w+)\.ts$/.exec(f) as RegExpExecArray;
      return `${name}${timestamp}`;
    });
    expect(MIGRATIONS.map((m) => m.name)).toEqual(expected);
  });
});
