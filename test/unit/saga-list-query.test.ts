import { sagaListQuery } from '../../src/ops/saga-list-query';

describe(sagaListQuery.name, () => {
  it('scopes to the merchant\'s checkout workflows and ANDs each filter on its search attribute', () => {
    expect(sagaListQuery('demo', { state: 'compensation_failed', store: 'S1', till: 'T-2', vendor: 'crmcom' })).toBe(
      'WorkflowType IN ("checkoutWorkflow", "checkoutWorkflowV2") AND CheckoutMerchant = "demo" AND CheckoutState = "compensation_failed" AND CheckoutStore = "S1" AND CheckoutTill = "T-2" AND CheckoutVendors = "crmcom"',
    );
    expect(sagaListQuery('demo', {})).toBe('WorkflowType IN ("checkoutWorkflow", "checkoutWorkflowV2") AND CheckoutMerchant = "demo"');
  });

  it('refuses any value that could leave its quoted string, whatever validated it before', () => {
    expect(() => sagaListQuery('demo', { store: 'S1" OR CheckoutMerchant = "other' })).toThrow(/safe identifier/);
    expect(() => sagaListQuery('demo', { till: 'T1\\' })).toThrow(/safe identifier/);
    expect(() => sagaListQuery('x" OR "1"="1', {})).toThrow(/safe identifier/);
    expect(() => sagaListQuery('demo', { state: 'failed' as never })).toThrow(/unknown checkout state/);
    expect(() => sagaListQuery('demo', { vendor: 'acme' as never })).toThrow(/unknown vendor/);
  });
});
