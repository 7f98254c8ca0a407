import type { AppConfig } from '../../core/config/app-config';
import type { CheckoutInput, PostTenderInput } from '../../workflows/checkout.contract';
import type { CheckoutSpendDto, PostTenderDto } from './dto/checkout-extras.dto';

type FieldErrors = Array<{ field: string; message: string }>;

/**
 * The spend's CRM.COM secrets: only the back-office API takes an OTP spend token or a pass code
 * (crmcom-v2-pos-ecommerce.txt, "Purchase with OTP Spend Request" and "Front-End Purchase"); the
 * legacy API's spend request has neither (crmcom-v1-pos-integration.txt), so there they are refused
 * naming the field, before anything starts, rather than silently dropped.
 */
export function spendSecrets(
  spend: CheckoutSpendDto | undefined,
  spendMinor: number | undefined,
  crmcomApi: AppConfig['CRMCOM_API'],
  errors: FieldErrors,
): Pick<NonNullable<CheckoutInput['spend']>, 'otp' | 'passCode'> {
  if (!spend) return {};
  for (const field of ['otp', 'passCode'] as const) {
    if (spend[field] === undefined) continue;
    if (crmcomApi !== 'backoffice') {
      errors.push({ field: `spend.${field}`, message: 'is taken by the CRM.COM back-office API only (CRMCOM_API=backoffice)' });
    } else if (spendMinor === 0) {
      // It authorises a spend: with nothing to spend it would be dropped, and the token kept unused.
      errors.push({ field: `spend.${field}`, message: 'needs a spend.amount above zero' });
    }
  }
  return { ...(spend.otp !== undefined && { otp: spend.otp }), ...(spend.passCode !== undefined && { passCode: spend.passCode }) };
}

/** The post-tender block as the saga carries it: only the fields the till gave. */
export function postTenderInput(dto: PostTenderDto): PostTenderInput {
  const { customer, salesPerson } = dto;
  return {
    provider: dto.provider,
    ...(customer && { customer: defined({ id: customer.id, firstName: customer.firstName, lastName: customer.lastName, birthDate: customer.birthDate, email: customer.email, phone: customer.phone }) }),
    ...(salesPerson && { salesPerson: { id: salesPerson.id, ...defined({ firstName: salesPerson.firstName, lastName: salesPerson.lastName }) } }),
    ...(dto.cardNumber !== undefined && { cardNumber: dto.cardNumber }),
  };
}

function defined<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}

/**
 * A batch upload stores each sale's input in Postgres before it runs (checkout_batch_sales), in
 * clear: no place for a spend secret, a CMC person, a Capillary validation code, enrolment details
 * or a card number. A batch carries completed sales anyway: a till's OTP or validation code would
 * have expired by then, and a customer enrolled or found by card is the till's to do at the sale.
 * Refused naming the field, like any invalid sale.
 */
export function notInBatch(sale: BatchSaleFields, at: string): FieldErrors {
  const message = 'is not taken in a batch upload: a batch sale is stored before it runs, and this is never kept in clear';
  const card = (identifier: { type?: string } | undefined) => (identifier?.type === 'card' || identifier?.type === 'cardExternalId' ? identifier : undefined);
  const fields: Array<[unknown, string]> = [
    [card(sale.customer?.identifier), 'customer.identifier'],
    [sale.spend?.otp, 'spend.otp'],
    [sale.spend?.passCode, 'spend.passCode'],
    [card(sale.points?.identifier), 'points.identifier'],
    [sale.points?.validationCode, 'points.validationCode'],
    [sale.points?.enrol, 'points.enrol'],
    ...(Array.isArray(sale.coupons) ? sale.coupons : []).map((c, i): [unknown, string] => [c?.validationCode, `coupons[${i}].validationCode`]),
    [sale.postTender?.customer, 'postTender.customer'],
    [sale.postTender?.salesPerson, 'postTender.salesPerson'],
    [sale.postTender?.cardNumber, 'postTender.cardNumber'],
  ];
  return fields.filter(([value]) => value != null).map(([, field]) => ({ field: `${at}.${field}`, message }));
}

interface BatchSaleFields {
  customer?: { identifier?: { type?: string } };
  spend?: CheckoutSpendDto;
  points?: { identifier?: { type?: string }; validationCode?: string | null; enrol?: object | null };
  coupons?: Array<{ validationCode?: string | null } | undefined>;
  postTender?: PostTenderDto;
}
