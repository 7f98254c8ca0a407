/**
 * A store as the vendors know it, resolved by the API at reserve from the `stores` table and carried
 * in the saga's input (CheckoutRef.storeProfile), so no activity reads the table and a void or a return
 * uses the profile the sale was made under. Absent on sagas started before stores were data: their
 * adapters keep the old values (UTC times, CRMCOM_UNIT_NAME, CMC location = store, terminal = till).
 */
export interface StoreProfile {
  /** IANA time zone of the store: every vendor time the documents want local is rendered in it. */
  timeZone: string;
  /** CRM.COM legacy `performed_by_unit_identifier.name`; absent: the configured CRMCOM_UNIT_NAME. */
  crmcomUnit?: string;
  /** CRM.COM back-office outlet (organisation) id; absent: none sent. */
  crmcomOutlet?: string;
  /** CMC (ClearLine) posLocationId of the store. */
  cmcLocation: string;
  /** CMC terminalId of the checkout's till (the store's till→terminal mapping, else the till id). */
  cmcTerminal: string;
}

