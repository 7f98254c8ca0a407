import escapeRegExp from 'escape-string-regexp';
import { CapillarySandboxState, type Customer } from '../../src/sandbox/capillary-sandbox-state';
import { CrmcomLegacySandbox } from '../../src/sandbox/crmcom-legacy.sandbox';
import { SandboxJournal } from '../../src/sandbox/sandbox-journal';

/** A personal identifier the sandbox holds and returns, named by where it comes from. */
export type Canaries = Record<string, string>;

interface LegacyParticipant {
  authenticationCode: string;
  accountNumber: string;
  accountId: string;
  walletNumber: string;
}

/**
 * Every personal identifier the vendor sandboxes return for the customers a checkout names (the
 * CRM.COM legacy participant found by its code, the Capillary customer found by mobile), read from
 * the sandboxes' own seed state so the test never spells them a second time. These are what the
 * vendors answer in identify/lookup replies: a leak of any of them is a leak of the customer.
 */
export function sandboxCustomerIdentifiers(customers: { crmcomCode: string; capillaryMobile: string }): Canaries {
  // The legacy sandbox keeps its participants private; its seed is what reset() builds.
  const participants = (new CrmcomLegacySandbox(new SandboxJournal()) as unknown as { participants: LegacyParticipant[] }).participants;
  const participant = participants.find((p) => p.authenticationCode === customers.crmcomCode);
  const capillary: Customer | undefined = new CapillarySandboxState().customers.find((c) => c.mobile === customers.capillaryMobile);
  if (!participant || !capillary) throw new Error('the sandbox seed no longer holds the customers the test names');
  return {
    'CRM.COM authentication code': participant.authenticationCode,
    'CRM.COM account number': participant.accountNumber,
    'CRM.COM account id': participant.accountId,
    'CRM.COM wallet number': participant.walletNumber,
    'Capillary user id': String(capillary.userId),
    'Capillary mobile': capillary.mobile,
    'Capillary e-mail': capillary.email,
    'Capillary external id': capillary.externalId,
    'Capillary first name': capillary.firstname,
    'Capillary last name': capillary.lastname,
  };
}


/**
 * Where each canary occurs in `value`, as `label at path`: every string in it (object keys
 * included) is searched for the canary as a whole token (not inside a longer run of letters, digits
 * or dots), so a short one such as an account number "400" matches the value "400" or "acct 400"
 * but not an HTTP status 400 (a number), "1400", "0.400" or "19:45:34.400Z". Strings that are
 * JSON are searched as they are: the token match sees through their quotes.
 */
export function findCanaries(value: unknown, canaries: Canaries, path = '$'): string[] {
  const found: string[] = [];
  const visit = (v: unknown, at: string) => {
    if (typeof v === 'string') {
      for (const [label, canary] of Object.entries(canaries)) {
        if (new RegExp(`(^|[^A-Za-z0-9.])${escapeRegExp(canary)}($|[^A-Za-z0-9.])`).test(v)) found.push(`${label} (${canary}) at ${at}`);
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${at}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        visit(k, `${at} key`);
        visit(item, `${at}.${k}`);
      }
    }
  };
  visit(value, path);
  return found;
}

/** A log file's lines, parsed where they are JSON (numbers stay numbers), kept as text where not. */
export function logLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}
