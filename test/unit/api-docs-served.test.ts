import { servesApiDocs } from '../../src/common/openapi-document';

describe(servesApiDocs.name, () => {
  it('serves the docs outside production and not in it, unless API_DOCS says otherwise', () => {
    expect(servesApiDocs({ appEnv: 'development', API_DOCS: undefined })).toBe(true);
    expect(servesApiDocs({ appEnv: 'test', API_DOCS: undefined })).toBe(true);
    expect(servesApiDocs({ appEnv: 'production', API_DOCS: undefined })).toBe(false);
    expect(servesApiDocs({ appEnv: 'production', API_DOCS: 'true' })).toBe(true);
    expect(servesApiDocs({ appEnv: 'development', API_DOCS: 'false' })).toBe(false);
  });
});
