import type { DataSource } from 'typeorm';
import { maySeeCheckout, type Principal } from '../access/principal';
import type { TextSealer } from '../temporal/encryption-codec';
import { Checkout } from './checkout.entity';
import { openProjectionCodes } from './projection-codes';

/** The `checkouts` projection (one row per checkout, kept by the sagas' transitions), read for a caller. */
export class CheckoutsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly codes: TextSealer,
  ) {}

  /**
   * The checkout's row, or null when there is none or it lies outside the caller's merchant, store
   * or till: the caller answers both alike (another merchant's checkout does not exist for it).
   */
  async findVisibleTo(caller: Principal, checkoutId: string): Promise<Checkout | null> {
    if (!maySeeCheckout(caller, checkoutId)) return null;
    const row = await this.dataSource.getRepository(Checkout).findOneBy({ id: checkoutId, merchant: caller.merchant });
    return row && this.opened(row);
  }

  /** Any checkout's row, for ops (no caller scope: the ops API checks its own), coupon codes opened. */
  async findById(checkoutId: string): Promise<Checkout | null> {
    const row = await this.dataSource.getRepository(Checkout).findOneBy({ id: checkoutId });
    return row && this.opened(row);
  }

  /** The row with its view's and receipt's coupon codes opened (core/checkouts/projection-codes.ts). */
  private opened(row: Checkout): Checkout {
    return Object.assign(row, {
      view: row.view && openProjectionCodes(row.view, this.codes),
      receipt: row.receipt && openProjectionCodes(row.receipt, this.codes),
      failureReason: row.failureReason && openProjectionCodes(row.failureReason, this.codes),
    });
  }
}
