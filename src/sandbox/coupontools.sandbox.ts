import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JournalOutcome, SandboxJournal } from './sandbox-journal';
import { SANDBOX_CREDENTIALS } from '../../core/config/app-config';

/**
 * Coupontools API v3 (`/v3/couponsession/...`), as vendor-docs/coupontools-pos-integration.txt shows
 * it: every call a POST, credentials in X-Client-Id / X-Client-Secret, `status.status == "OK"` on
 * success, flags as strings "0"/"1", dates "YYYY-MM-DD HH:MM:SS" UTC. Seeded with the document's own
 * session kkfiznr8Yp8630h82es8d (claimed, worth 5.00) plus one session in each state a POS must refuse.
 *
 * Where the document is silent (vendors.md §3 marks these [unknown]/[infer]) the sandbox chooses:
 * the error envelope `{status:{status:"ERROR",code,message}}` on HTTP 200 (401 for credentials),
 * code 100 bad credentials, 514 already validated, 516 voided, 310 money_spent not in 0.000 format,
 * the update reply `{status, action:"update_session", session}`, lock as a cooperative flag (locking a
 * locked session succeeds), validate ending the lock, and no server-side expiry check.
 *
 * The journal records every send of an effect: a re-lock and a re-validate are journaled as
 * `refused-duplicate` (nothing changes), so a second send of the lock or the validation is visible.
 */

/** The client credentials it accepts: the app's defaults outside production (core/config, SANDBOX_CREDENTIALS). */
export const COUPONTOOLS_SANDBOX_CLIENT_ID = SANDBOX_CREDENTIALS.COUPONTOOLS_CLIENT_ID;
export const COUPONTOOLS_SANDBOX_CLIENT_SECRET = SANDBOX_CREDENTIALS.COUPONTOOLS_CLIENT_SECRET;

export const COUPONTOOLS_SANDBOX_SESSIONS = {
  /** The document's example: claimed, not validated. */
  claimed: 'kkfiznr8Yp8630h82es8d',
  validated: 'vldt7Qm2Xc9830h82es01',
  /** Keeps the document's own (past) expiration_date. */
  expired: 'xprd4Lk8Pw1230h82es02',
  voided: 'vdd3Rt6Yh5430h82es03',
  /** Locked by another till. */
  locked: 'lckd9Nb2Mv7630h82es04',
} as const;

/** Not a Coupontools field: our step reference, sent so the journal can count effects per checkout. */
const CORRELATION_HEADER = 'x-correlation-id';
const SESSION_CODE = /^[A-Za-z0-9]+$/;
const MONEY_SPENT = /^\d{1,15}\.\d{3}$/;
const FAR_FUTURE = '2099-12-31 23:59:59';

type SessionStatus = Record<string, string | null>;

interface Session {
  code: string;
  sequenceid: string;
  status: SessionStatus;
  /** `data.user`: the document's example customer, with this session's own custom fields. */
  user: Record<string, string>;
}

type Body = Record<string, unknown>;

/** The document's `data.status` example, field for field. */
const DOC_STATUS: SessionStatus = {
  created_date_utc: '2019-03-25 10:43:50',
  opened: '0',
  open_date_utc: '',
  played: '0',
  played_date_utc: '',
  claimed: '1',
  claim_date_utc: '2019-03-25 10:44:05',
  claimtype: '',
  saved_to_passbook: '0',
  saved_to_passbook_date_utc: '',
  saved_to_androidpay: '0',
  saved_to_androidpay_date_utc: '',
  validated: '0',
  validation_date_utc: '',
  own_validation_code: 'ding_COdHepKvqNrNC8OU',
  validation_value: '',
  redeem_location_ID: '',
  voided: '0',
  unvoided_date_utc: '2019-03-25 10:44:05',
  locked: '0',
  unlocked_date_utc: '',
  value: '',
  customid: '',
  expiration_date: '2019-03-02 02:00:00',
  utm_campaign: null,
  utm_source: null,
  utm_medium: null,
  utm_term: null,
  utm_content: null,
  redeem_location_company_name: 'Show',
  redeem_location_street: 'street',
  redeem_location_zip: '',
  redeem_location_city: 'Foo',
  redeem_location_province: 'Bar',
  redeem_location_country: 'Baz',
  redeem_location_phone: '',
  redeem_location_website: 'https://www.coupontools.com',
  redeem_location_pincode: 'aSQbSs',
};

/** The document's example customer: made-up data, as in the document. */
const DOC_USER = {
  gender: 'Male', first_name: 'John', last_name: 'Johnson', address: 'Wallstreet 1', zip: '10000', city: 'New York',
  birthday: '1970-01-01', email: 'info@mymailbox.com', phone: '1234567890', answer: 'yes',
  custom1: 'A', custom2: 'B', custom3: 'C', custom4: 'D', custom5: 'E', custom6: 'F', custom7: 'G', customid: '1A2B',
  checkbox1: '1', checkbox2: '0', checkbox3: '1', checkbox4: '0', device: 'Windows', profile_picture: '', ip_lat: '', ip_long: '',
};

const DOC_CAMPAIGN = { ID: 'cam_1010951', code: 'v6n7gn', url: 'https://digicpn.com/p/v6n7gn', status: 'test', coupon_tags: '' };

export class CouponToolsSandbox {
  private sessions = new Map<string, Session>();
  private nextSequence = 19878460;

  constructor(private readonly journal: SandboxJournal) {
    this.reset();
  }

  reset(): void {
    this.sessions.clear();
    this.nextSequence = 19878460;
    const S = COUPONTOOLS_SANDBOX_SESSIONS;
    this.addSession(S.claimed, { value: '5.00', expiration_date: FAR_FUTURE });
    this.addSession(S.validated, { value: '5.00', expiration_date: FAR_FUTURE, validated: '1', validation_date_utc: '2024-02-21 09:30:00' });
    this.addSession(S.expired, { value: '5.00' });
    this.addSession(S.voided, { value: '5.00', expiration_date: FAR_FUTURE, voided: '1', unvoided_date_utc: '' });
    this.addSession(S.locked, { value: '5.00', expiration_date: FAR_FUTURE, locked: '1' });
  }

  /**
   * A claimed session shaped like the document's, for tests and benchmarks that need many coupons;
   * `user` overrides fields of data.user, such as the custom field a merchant keeps the value in.
   */
  addSession(code: string, overrides: SessionStatus = {}, user: Record<string, string> = {}): void {
    this.sessions.set(code, { code, sequenceid: String(this.nextSequence++), status: { ...DOC_STATUS, ...overrides }, user: { ...DOC_USER, ...user } });
  }

  register(app: FastifyInstance): void {
    app.post('/couponsession/data', (req, reply) => this.withSession(req, reply, (s) => sessionView(s)));
    app.post('/couponsession/update', (req, reply) =>
      this.withSession(req, reply, (s, body) => this.update(s, body, correlation(req) ?? s.code)),
    );
  }

  private withSession(req: FastifyRequest, reply: FastifyReply, handle: (session: Session, body: Body) => unknown) {
    const body = (req.body ?? {}) as Body;
    // The legacy api4coupons host also took the credentials as body parameters.
    const id = req.headers['x-client-id'] ?? body.client_id;
    const secret = req.headers['x-client-secret'] ?? body.client_secret;
    if (id !== COUPONTOOLS_SANDBOX_CLIENT_ID || secret !== COUPONTOOLS_SANDBOX_CLIENT_SECRET) {
      return reply.code(401).send(fail(100, 'Invalid API credentials'));
    }
    const code = body.couponsession;
    if (code === undefined || code === null || code === '') return fail(200, 'Missing parameter: couponsession');
    if (typeof code !== 'string' || !SESSION_CODE.test(code)) return fail(300, 'Invalid character in parameter: couponsession');
    const session = this.sessions.get(code);
    if (!session) return fail(513, 'Coupon session not found');
    return handle(session, body);
  }

  private update(session: Session, body: Body, reference: string) {
    const s = session.status;
    const wants = (command: string) => body[command] === '1' || body[command] === 1 || body[command] === true;
    const moneySpent = body.money_spent;
    if (moneySpent !== undefined && (typeof moneySpent !== 'string' || !MONEY_SPENT.test(moneySpent))) {
      return fail(310, 'Invalid format in parameter: money_spent (0.000)');
    }
    const voidedAfter = wants('void') || (s.voided === '1' && !wants('unvoid'));
    const effect = (name: string, amount?: string, outcome?: JournalOutcome) =>
      this.journal.add({ vendor: 'coupontools', effect: name, reference, vendorReference: session.code, ...(amount !== undefined && { amount }), ...(outcome && { outcome }) });
    // Check everything before changing anything: an update applies whole or not at all.
    if ((wants('validate') || wants('lock')) && s.validated === '1') {
      // vendors.md §3: "Validating a session that is already validated: return an error (suggested code
      // **514** "already validated", flagged [infer]) and leave `validation_date_utc` unchanged."
      // The refused re-validate is still a second send of the validation: journaled, not hidden.
      if (wants('validate')) effect('coupon.validate', typeof moneySpent === 'string' ? moneySpent : undefined, 'refused-duplicate');
      return fail(514, 'Coupon session already validated');
    }
    if ((wants('validate') || wants('lock')) && voidedAfter) return fail(516, 'Coupon session is voided');

    const now = vendorNow();
    if (wants('unvoid') && s.voided === '1') {
      Object.assign(s, { voided: '0', unvoided_date_utc: now });
      effect('coupon.unvoid');
    }
    if (wants('void') && s.voided !== '1') {
      s.voided = '1';
      effect('coupon.void');
    }
    if (wants('unlock') && s.locked === '1') {
      Object.assign(s, { locked: '0', unlocked_date_utc: now });
      effect('coupon.unlock');
    }
    if (wants('lock')) {
      if (s.locked !== '1') {
        s.locked = '1';
        effect('coupon.lock');
      } else {
        // vendors.md §3: the lock is "a cooperative flag, not a server-enforced reservation [infer]":
        // a re-lock changes nothing and answers OK, but it is a second send of the lock, so it is journaled.
        effect('coupon.lock', undefined, 'refused-duplicate');
      }
    }
    if (wants('validate')) {
      // Validation is final, so it ends any lock (claimed -> locked -> validated).
      Object.assign(s, { validated: '1', validation_date_utc: now, locked: '0' });
      effect('coupon.validate', typeof moneySpent === 'string' ? moneySpent : undefined);
    }
    return { status: { status: 'OK' }, action: 'update_session', session: session.code };
  }
}

function sessionView(session: Session) {
  return {
    status: { status: 'OK' },
    campaign: 'cam_12345',
    action: 'retrieve_all_session_data',
    session: session.code,
    session_url: `${DOC_CAMPAIGN.url}/${session.code}`,
    sequenceid: session.sequenceid,
    customid: session.status.customid ?? '',
    data: { status: { ...session.status }, user: { ...session.user }, campaign: { ...DOC_CAMPAIGN } },
  };
}

function correlation(req: FastifyRequest): string | undefined {
  const value = req.headers[CORRELATION_HEADER];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function fail(code: number, message: string) {
  return { status: { status: 'ERROR', code, message } };
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, the document's date format. */
function vendorNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}
