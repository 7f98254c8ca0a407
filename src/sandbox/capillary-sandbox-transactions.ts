import { formatMinorUnits } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { type ItemResult, fail, itemOk, one, requestStatus, status, transactionCustomerView } from './capillary-sandbox-envelope';
import { type Body, type Query, cents, dig, identifierOf, list, now, obj, str } from './capillary-sandbox-input';
import { MAX_BILL_NUMBER_LENGTH, ORG_CURRENCY, VENDOR } from './capillary-sandbox-org';
import type { CapillarySandboxState, Customer, Line, Transaction } from './capillary-sandbox-state';

/** v1.1 transaction/add (bills and returns of them) and transaction/get; bills earn and returns take back points. */
export class CapillarySandboxTransactions {
  constructor(
    private readonly state: CapillarySandboxState,
    private readonly journal: SandboxJournal,
  ) {}

  add(b: Body) {
    const results = list(dig(b, 'root', 'transaction')).map((input): ItemResult => {
      const type = (str(input.type) ?? '').toUpperCase();
      if (type === 'REGULAR' || type === 'NOT_INTERESTED') return this.addBill(input, type);
      if (type === 'RETURN' || type === 'NOT_INTERESTED_RETURN') return this.returnBill(input, type);
      return fail({ number: str(input.number) ?? '' }, 605, 'Invalid transaction type. Only regular, return and not-interested transaction types are supported.');
    });
    return { response: { status: requestStatus(results), transactions: { transaction: results.map((r) => r.view) } } };
  }

  get(q: Query) {
    const type = (q.type ?? 'REGULAR').toUpperCase();
    const found = this.state.transactions.filter((t) => (q.id ? String(t.id) === q.id : t.number === q.number) && (q.id || t.type === type));
    if (found.length === 0) {
      const [code, message] = q.id ? [620, 'Transaction id is invalid.'] : [625, 'Transaction number does not exist.'];
      return { response: { status: status(500), transactions: { transaction: { number: q.number ?? '', item_status: { success: 'false', code: String(code), message } } } } };
    }
    const views = found.map((t) => {
      const c = this.state.customers.find((x) => x.userId === t.userId);
      return {
        id: String(t.id),
        number: t.number,
        bill_client_id: t.billClientId,
        type: t.type,
        ...(t.parentBillNumber && { parent_bill_number: t.parentBillNumber }),
        customer: { user_id: String(c?.userId ?? ''), mobile: c?.mobile ?? '', firstname: c?.firstname ?? '', lastname: c?.lastname ?? '' },
        item_status: { success: 'true', code: '600', message: 'Transaction retrieved successfully' },
        amount: formatMinorUnits(t.amountCents, ORG_CURRENCY),
        notes: t.notes,
        billing_time: t.billingTime,
        gross_amount: formatMinorUnits(t.grossCents, ORG_CURRENCY),
        discount: formatMinorUnits(t.discountCents, ORG_CURRENCY),
        custom_fields: { field: [] },
        line_items: { line_item: one(t.lines.map(lineView)) },
      };
    });
    // As in Capillary's own sample, transaction/get carries no request status.
    return { response: { transactions: { transaction: one(views) } } };
  }

  private addBill(input: Body, type: 'REGULAR' | 'NOT_INTERESTED'): ItemResult {
    const number = str(input.number) ?? '';
    const echo = { number };
    // vendors.md §2, Add transaction: "Bill `number` ≤ 50 chars [doc K8]"; and the org's format,
    // vendor-docs/capillary-pos-integration.md: "CONF_CLIENT_BILL_NO_REGEX: Regular expression of the
    // transaction number". vendors.md's item codes: "602 bad number".
    if (!number || number.length > MAX_BILL_NUMBER_LENGTH || !new RegExp(this.state.config.billNumberFormat).test(number)) {
      return fail(echo, 602, 'Transaction number is invalid.');
    }
    const foreign = foreignCurrency(input, echo);
    if (foreign) return foreign;
    const amountCents = cents(input.amount);
    const lines = list(dig(input, 'line_items', 'line_item')).map(toLine);
    if (amountCents === undefined || amountCents < 0 || lines.some((l) => l === undefined)) {
      return fail(echo, 601, 'Transaction failed. Transaction amount/quantity/ rate/discount is invalid.');
    }
    // CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE across the org. vendors.md §2: "A duplicate bill gives item code
    // **604 "Transaction number already exists"**" (uniqueness configured, as onboarding requires). The
    // refused bill is still a second send of it: journaled as such, so a re-sent bill is visible.
    const earlier = this.state.transactions.find((t) => t.number === number && (t.type === 'REGULAR' || t.type === 'NOT_INTERESTED'));
    if (earlier) {
      this.journal.add({ vendor: VENDOR, effect: 'transaction.add', reference: number, vendorReference: String(earlier.id), amount: formatMinorUnits(amountCents, ORG_CURRENCY), outcome: 'refused-duplicate' });
      return fail(echo, 604, 'Transaction number already exists.');
    }
    let customer: Customer | undefined;
    if (type === 'REGULAR') {
      const id = identifierOf(obj(input.customer) ?? {});
      if (!id) return fail(echo, 606, "Customer identifier is not passed. Please enter customer's mobile or email or external id to process.");
      // transaction/add registers an unknown identifier on the fly.
      customer = this.state.findCustomer({ [id.key]: id.value }) ?? this.state.enrol({ ...id, input: obj(input.customer) ?? {} });
    }
    const awardedPoints = customer ? Math.floor(amountCents / 100) : 0;
    const tx: Transaction = {
      id: ++this.state.seq.transaction,
      number,
      billClientId: str(input.bill_client_id) ?? '',
      type,
      parentBillNumber: '',
      userId: customer?.userId,
      amountCents,
      grossCents: cents(input.gross_amount) ?? amountCents,
      discountCents: cents(input.discount) ?? 0,
      billingTime: str(input.billing_time) || now(),
      notes: str(input.notes) ?? '',
      lines: lines as Line[],
      awardedPoints,
      returnedCents: 0,
      state: 'ADDED',
      pointsDeducted: 0,
    };
    this.state.transactions.push(tx);
    if (customer) {
      customer.loyaltyPoints += awardedPoints;
      customer.lifetimePoints += awardedPoints;
      customer.lifetimePurchasesCents += amountCents;
    }
    this.journal.add({
      vendor: VENDOR, effect: 'transaction.add', reference: number, vendorReference: String(tx.id), amount: formatMinorUnits(amountCents, ORG_CURRENCY),
      details: { billing_time: input.billing_time },
    });
    return { ok: true, view: transactionView(tx, customer, itemOk(600, 'Transaction added successfully', {}, 'number')) };
  }

  /** RETURN: `number` names the original bill; FULL, LINE_ITEM or AMOUNT; ADDED → RETURNED (633/634 on a repeat). */
  private returnBill(input: Body, type: 'RETURN' | 'NOT_INTERESTED_RETURN'): ItemResult {
    const number = str(input.number) ?? '';
    const echo = { number };
    if (!number) return fail(echo, 677, 'Unable to process. Please enter a transaction number for returning a transaction.');
    const foreign = foreignCurrency(input, echo);
    if (foreign) return foreign;
    const originalType = type === 'RETURN' ? 'REGULAR' : 'NOT_INTERESTED';
    const original = this.state.transactions.find((t) => t.number === number && t.type === originalType);
    if (!original) return fail(echo, 625, 'Transaction number does not exist.');
    const returnType = (str(input.return_type) ?? '').toUpperCase();
    const remaining = original.amountCents - original.returnedCents;
    let returnCents: number;
    if (returnType === 'FULL') {
      if (original.state === 'RETURNED') return fail(echo, 633, 'The entire transaction is already returned.');
      if (original.returnedCents > 0) return fail(echo, 639, 'Unable to return full transaction. A part of the transaction or complete transaction is already returned.');
      returnCents = original.amountCents;
    } else if (returnType === 'AMOUNT' || returnType === 'LINE_ITEM') {
      if (original.state === 'RETURNED') return fail(echo, 634, 'This transaction is already returned.');
      if (returnType === 'AMOUNT' && original.returnKind === 'LINE_ITEM') {
        return fail(echo, 635, 'Cannot return the transaction with the return type AMOUNT because the type LINE_ITEM has been used for returning the same transaction.');
      }
      if (returnType === 'LINE_ITEM' && original.returnKind === 'AMOUNT') {
        return fail(echo, 632, 'Cannot return the transaction with return type LINE_ITEM because the type AMOUNT has already been used for returning the same transaction.');
      }
      const lines = list(dig(input, 'line_items', 'line_item')).map(toLine);
      if (returnType === 'LINE_ITEM' && lines.length === 0) return fail(echo, 1635, 'Please pass line-items that need to be returned');
      const amount = returnType === 'LINE_ITEM' ? lines.reduce((s, l) => s + (l?.amountCents ?? NaN), 0) : cents(input.amount);
      if (amount === undefined || !Number.isSafeInteger(amount) || amount <= 0) return fail(echo, 601, 'Transaction failed. Transaction amount/quantity/ rate/discount is invalid.');
      if (amount > remaining) return fail(echo, 630, 'The return amount is more than the transaction/line-item amount.');
      returnCents = amount;
      original.returnKind = returnType;
    } else {
      return fail(echo, 1634, 'Return type is invalid');
    }
    original.returnedCents += returnCents;
    original.state = original.returnedCents === original.amountCents ? 'RETURNED' : 'PARTIALLY_RETURNED';
    const customer = this.state.customers.find((c) => c.userId === original.userId);
    // Points awarded on the bill come back in proportion to what is returned, never more than awarded.
    const deducted = Math.min(
      original.awardedPoints - original.pointsDeducted,
      original.state === 'RETURNED' ? original.awardedPoints : Math.floor((original.awardedPoints * original.returnedCents) / original.amountCents) - original.pointsDeducted,
    );
    original.pointsDeducted += deducted;
    if (customer) customer.loyaltyPoints = Math.max(0, customer.loyaltyPoints - deducted);
    const tx: Transaction = {
      ...original,
      id: ++this.state.seq.transaction,
      billClientId: str(input.bill_client_id) ?? '',
      type,
      parentBillNumber: original.number,
      amountCents: returnCents,
      grossCents: returnCents,
      discountCents: 0,
      billingTime: str(input.billing_time) || now(),
      lines: [],
      awardedPoints: 0,
      returnedCents: 0,
      state: 'ADDED',
      pointsDeducted: deducted,
    };
    this.state.transactions.push(tx);
    this.journal.add({
      vendor: VENDOR, effect: 'transaction.return', reference: tx.billClientId || number, vendorReference: String(tx.id),
      amount: formatMinorUnits(returnCents, ORG_CURRENCY), details: { purchase_time: input.purchase_time, billing_time: input.billing_time },
    });
    const view = transactionView(tx, customer, itemOk(600, 'Transaction added successfully', {}, 'number'));
    return { ok: true, view: { ...view, points_deducted: deducted, points_balance: customer?.loyaltyPoints ?? 0, source: '', item_status: view.item_status } };
  }
}

/**
 * The documented transaction/add sample carries `currency_code`; the org keeps its base currency only.
 * Capillary documents no code for another one: the sandbox answers 601, its code for invalid amounts,
 * since such amounts would be booked as if in the base currency.
 */
function foreignCurrency(input: Body, echo: Body): ItemResult | undefined {
  const currency = str(input.currency_code);
  return currency !== undefined && currency !== ORG_CURRENCY
    ? fail(echo, 601, `Transaction failed. The org keeps amounts in ${ORG_CURRENCY}, not ${currency}.`)
    : undefined;
}

function transactionView(t: Transaction, c: Customer | undefined, itemStatus: Body): Body {
  return {
    id: t.id,
    shipping_source_till_code: '',
    number: t.number,
    bill_client_id: t.billClientId,
    type: t.type,
    delivery_status: 'DELIVERED',
    parent_bill_number: t.parentBillNumber,
    outlier_status: 'NORMAL',
    customer: c ? transactionCustomerView(c) : {},
    side_effects: { effect: [] },
    source: 'INSTORE',
    item_status: itemStatus,
  };
}

function toLine(input: Body): Line | undefined {
  const amountCents = cents(input.amount ?? input.value);
  if (amountCents === undefined || amountCents < 0) return undefined;
  return {
    serial: str(input.serial) ?? '',
    itemCode: str(input.item_code) ?? '',
    description: str(input.description) ?? '',
    qty: str(input.qty) ?? '1',
    rate: str(input.rate) ?? '',
    valueCents: cents(input.value) ?? amountCents,
    amountCents,
  };
}

function lineView(l: Line): Body {
  return {
    serial: l.serial, item_code: l.itemCode, description: l.description, qty: l.qty, rate: l.rate,
    value: formatMinorUnits(l.valueCents, ORG_CURRENCY), discount: '0', amount: formatMinorUnits(l.amountCents, ORG_CURRENCY),
    attributes: { attribute: [] },
  };
}
