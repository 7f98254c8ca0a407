/**
 * Why a saga refused a call, as a typed error the API maps to problem+json in one place
 * (src/common/saga-refusal.problem.ts) and the batch activity records as a sale it could not drive.
 * Framework-free: the saga clients in core/ throw it, whoever calls them decides what it means.
 */
export type SagaRefusalKind =
  /** No such checkout (or outside the caller's scope: the same answer). */
  | 'not-found'
  /** The checkout's state does not allow the call (commit after cancel, void before complete). */
  | 'invalid-state'
  /** Another step of the checkout is running; the same call passes once it ends. */
  | 'busy'
  /** The phase was already made with other values (a different spend). */
  | 'phase-conflict'
  /** A return that does not fit what is left of the sale; `errors` name the fields. */
  | 'return-refused'
  /** A return reference already used for another return. */
  | 'return-conflict';

export class SagaRefusal extends Error {
  constructor(
    readonly kind: SagaRefusalKind,
    /** What was asked: reserve, commit, complete, cancel, void, return. */
    readonly action: string,
    readonly checkoutId: string,
    readonly detail: string,
    readonly errors: Array<{ field: string; message: string }> = [],
  ) {
    super(detail);
    this.name = 'SagaRefusal';
  }
}
