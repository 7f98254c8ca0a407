import { ensureGoBinary, findGoBinary, type GoBinary } from '../../src/dev-stack/go-binaries';

/** A binary no machine has, so ensureGoBinary must build it: the case of a fresh clone. */
const missing: GoBinary = { name: 'checkout-saga-no-such-binary', title: 'test binary', module: 'example.com/none/cmd/none@v0.0.1' };

describe('ensureGoBinary on a machine without Go', () => {
  const path = process.env.PATH;
  beforeEach(() => {
    // No directory of PATH holds go (or anything else).
    process.env.PATH = '/nonexistent';
  });
  afterEach(() => {
    process.env.PATH = path;
  });

  it('says in one line what to install instead of failing in the middle of a build', async () => {
    expect(findGoBinary(missing)).toBeUndefined();
    await expect(ensureGoBinary(missing, () => undefined)).rejects.toThrow(
      'No `checkout-saga-no-such-binary` binary and no Go toolchain to build it: install Go (https://go.dev/dl/), or put one built elsewhere (go install example.com/none/cmd/none@v0.0.1) in .tools/bin',
    );
  });

  it('names the variable that can point at a binary built elsewhere, where there is one', async () => {
    await expect(ensureGoBinary({ ...missing, pathVariable: 'SOME_BINARY_PATH' }, () => undefined)).rejects.toThrow(/install Go \(https:\/\/go.dev\/dl\/\), or set SOME_BINARY_PATH$/);
  });
});
