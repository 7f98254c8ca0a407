import { resolveTemporalMode } from '../../src/dev-stack/temporal-mode';

describe(resolveTemporalMode.name, () => {
  const local = { TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_MANAGED: undefined, temporalTls: undefined, TEMPORAL_API_KEY: undefined };

  it('is dev by default, and what --temporal says in either form', () => {
    expect(resolveTemporalMode([], local)).toBe('dev');
    expect(resolveTemporalMode(['--temporal=postgres'], local)).toBe('postgres');
    expect(resolveTemporalMode(['--temporal', 'external'], { ...local, TEMPORAL_ADDRESS: 'localhost:7233' })).toBe('external');
  });

  it('is external with TEMPORAL_MANAGED=false, on localhost too, and refuses a managed mode beside it', () => {
    expect(resolveTemporalMode([], { ...local, TEMPORAL_MANAGED: 'false' })).toBe('external');
    expect(resolveTemporalMode(['--temporal=external'], { ...local, TEMPORAL_MANAGED: 'false' })).toBe('external');
    expect(() => resolveTemporalMode(['--temporal=dev'], { ...local, TEMPORAL_MANAGED: 'false' })).toThrow(
      '--temporal=dev starts a server, but TEMPORAL_MANAGED=false says to use the one at TEMPORAL_ADDRESS',
    );
  });

  it('keeps an address off this machine external unless told otherwise, and refuses to start a server for it', () => {
    const remote = { ...local, TEMPORAL_ADDRESS: 'temporal.internal:7233' };
    expect(resolveTemporalMode([], remote)).toBe('external');
    expect(() => resolveTemporalMode(['--temporal=postgres'], remote)).toThrow(/TEMPORAL_ADDRESS is temporal.internal:7233: use a 127.0.0.1 address, or --temporal=external/);
  });

  it('names the modes when given another', () => {
    expect(() => resolveTemporalMode(['--temporal=sqlite'], local)).toThrow(
      '--temporal=sqlite is not a mode: use --temporal=dev (the default), --temporal=postgres or --temporal=external',
    );
  });

  it('refuses TLS or an API key with a server it starts (plaintext), and takes them with external', () => {
    const withKey = { ...local, TEMPORAL_API_KEY: 'k' };
    expect(() => resolveTemporalMode([], withKey)).toThrow('--temporal=dev starts a plaintext server, but TEMPORAL_TLS*/TEMPORAL_API_KEY are set: unset them, or use --temporal=external');
    expect(() => resolveTemporalMode(['--temporal=postgres'], { ...local, temporalTls: {} })).toThrow(/--temporal=postgres starts a plaintext server/);
    expect(resolveTemporalMode(['--temporal=external'], withKey)).toBe('external');
  });
});
