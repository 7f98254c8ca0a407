import type { DataSource } from 'typeorm';
import { maySeeCheckout, type Principal } from '../access/principal';
import { Checkout } from './checkout.entity';

/** The `checkouts` projection (one row per checkout, kept by the sagas' transitions), read for a caller. */
export class CheckoutsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The checkout's row, or null when there is none or it lies outside the caller's merchant, store
   * or till: the caller answers both alike (another merchant's checkout does not exist for it).
   */
  async findVisibleTo(caller: Principal, checkoutId: string): Promise<Checkout | null> {
    if (!maySeeCheckout(caller, checkoutId)) return null;
    return this.dataSource.getRepository(Checkout).findOneBy({ id: checkoutId, merchant: caller.merchant });
  }
}
