import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A durable "this effect may be sent": written before the vendor call, one row per effect however
 * often it is tried (retries, activity resets, re-runs). Written through EffectIntentsRepository.
 */
@Entity({ name: 'effect_intents' })
export class EffectIntent {
  @PrimaryColumn({ name: 'checkout_id', type: 'text' })
  checkoutId: string;

  @PrimaryColumn({ type: 'text' })
  step: string;

  @PrimaryColumn({ type: 'text' })
  vendor: string;

  @PrimaryColumn({ type: 'text' })
  operation: string;

  /** Our deterministic reference for the effect (the one the vendor sees). */
  @PrimaryColumn({ type: 'text' })
  reference: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
