import { formatMinorUnits } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { type ItemResult, fail, itemOk, requestStatus, transactionCustomerView } from './capillary-sandbox-envelope';
import { type Body, dig, identifierOf, list, obj, str } from './capillary-sandbox-input';
import { ORG_CURRENCY, VENDOR } from './capillary-sandbox-org';
import type { CapillarySandboxState } from './capillary-sandbox-state';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retro-tagging: a `not_interested` bill converted to a `regular` bill of a customer who identifies
 * later. The POS guide names the settings, not the call: "CONF_RETRO_TRANSACTION_ENABLE: To allow
 * conversion of not-interested transactions to loyalty transactions"; "CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS:
 * Maximum timeframe (between transaction and tagging customer) allowed for customer tagging to a
 * not-interested transaction". The call, `POST v1.1/transaction/update` with the bill (`id` or
 * `number`), `type: regular` and the `customer`, comes from Capillary's v1.1 API reference. vendors.md
 * §2: "If `CONF_RETRO_TRANSACTION_ENABLE` is on, it can later be tagged to a customer ("retro"), within
 * `CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS`". The tagged bill then earns as a regular bill would.
 */
export class CapillarySandboxRetro {
  constructor(
    private readonly state: CapillarySandboxState,
    private readonly journal: SandboxJournal,
  ) {}

  update(b: Body) {
    const results = list(dig(b, 'root', 'transaction')).map((input) => this.tag(input));
    return { response: { status: requestStatus(results), transactions: { transaction: results.map((r) => r.view) } } };
  }

  private tag(input: Body): ItemResult {
    const id = str(input.id);
    const number = str(input.number) ?? '';
    const echo = { number, ...(id && { id }) };
    const bill = this.state.transactions.find((t) => (id ? String(t.id) === id : t.number === number) && (t.type === 'NOT_INTERESTED' || t.type === 'REGULAR'));
    // vendors.md §2 transaction codes: "624 / 625 return without original" (625 "Transaction number does not exist.", as transaction/get).
    if (!bill) return fail(echo, id ? 620 : 625, id ? 'Transaction id is invalid.' : 'Transaction number does not exist.');
    if ((str(input.type) ?? '').toLowerCase() !== 'regular') return fail(echo, 605, 'Invalid transaction type. A not-interested transaction is converted to regular.');
    // CONF_RETRO_TRANSACTION_ENABLE off: nothing is converted. No document names this refusal's code: 656 is the sandbox's own.
    if (!this.state.config.retroEnabled) return fail(echo, 656, 'Retro transaction is not enabled for the organization (CONF_RETRO_TRANSACTION_ENABLE)');
    // Only a not-interested bill is converted; a regular one already has its customer. The code is the sandbox's own.
    if (bill.type !== 'NOT_INTERESTED') return fail(echo, 657, 'Transaction is not a not-interested transaction');
    // A bill returned (in part or whole) was returned as not-interested: tagging it now would award points
    // on goods already given back. No document names this case: refusing it, and the code, are the sandbox's own.
    if (bill.state !== 'ADDED') return fail(echo, 658, 'Transaction has been returned and cannot be tagged to a customer');
    // CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS; vendors.md §2: "621 / 643 / 644 date outside window".
    const billedAtMs = Date.parse(`${bill.billingTime.replace(' ', 'T')}Z`);
    if (!Number.isFinite(billedAtMs) || Date.now() - billedAtMs > this.state.config.retroMaxAgeDays * DAY_MS) {
      return fail(echo, 643, `Transaction is older than the ${this.state.config.retroMaxAgeDays} days allowed for customer tagging`);
    }
    const who = identifierOf(obj(input.customer) ?? {});
    // vendors.md §2: "606" customer identifier not passed (transaction/add's answer), "611 / 641 customer not found".
    if (!who) return fail(echo, 606, "Customer identifier is not passed. Please enter customer's mobile or email or external id to process.");
    const customer = this.state.findCustomer({ [who.key]: who.value });
    if (!customer) return fail(echo, 611, 'Customer not found');
    bill.type = 'REGULAR';
    bill.userId = customer.userId;
    bill.awardedPoints = Math.floor(bill.amountCents / 100);
    customer.loyaltyPoints += bill.awardedPoints;
    customer.lifetimePoints += bill.awardedPoints;
    customer.lifetimePurchasesCents += bill.amountCents;
    this.journal.add({ vendor: VENDOR, effect: 'transaction.retro', reference: bill.number, vendorReference: String(bill.id), amount: formatMinorUnits(bill.amountCents, ORG_CURRENCY) });
    return {
      ok: true,
      view: { id: bill.id, number: bill.number, type: bill.type, customer: transactionCustomerView(customer), item_status: itemOk(600, 'Transaction updated successfully', {}, 'number') },
    };
  }
}
