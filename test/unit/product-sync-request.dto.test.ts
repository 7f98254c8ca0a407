import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { MAX_PRODUCTS_PER_SYNC, SyncProductsDto } from '../../src/products/dto/sync-products.dto';

/** The request's own limits (the HTTP tests cover field naming through the API's pipe). */
describe(SyncProductsDto.name, () => {
  const errorsOf = async (body: unknown) => validate(plainToInstance(SyncProductsDto, body), { stopAtFirstError: true });

  it(`accepts ${MAX_PRODUCTS_PER_SYNC.toLocaleString('en')} products and refuses one more`, async () => {
    const products = Array.from({ length: MAX_PRODUCTS_PER_SYNC }, (_, i) => ({ code: `P${i}` }));
    expect(await errorsOf({ products })).toEqual([]);
    const tooMany = await errorsOf({ products: [...products, { code: 'one more' }] });
    expect(tooMany.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['products', ['arrayMaxSize']]]);
  });

  it('takes the optional fields and refuses a code over 100 characters', async () => {
    expect(await errorsOf({ products: [{ code: 'C', alternativeCode: 'A', description: 'D', familyCode: 'F', brandCode: 'B' }] })).toEqual([]);
    const [error] = await errorsOf({ products: [{ code: 'x'.repeat(101) }] });
    expect(error.children?.[0].children?.[0]).toMatchObject({ property: 'code', constraints: { isLength: expect.any(String) } });
  });
});
