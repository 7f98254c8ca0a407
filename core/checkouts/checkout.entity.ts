import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';
import type { CheckoutReceipt, CheckoutState, CheckoutView } from '../../workflows/checkout.contract';

/** The read model of one checkout, kept in step by the saga's transition activity. */
@Entity({ name: 'checkouts' })
export class Checkout {
  /** The workflow id: checkout:<merchant>:<store>:<till>:<posReference>. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  merchant: string;

  @Column({ type: 'text' })
  store: string;

  @Column({ type: 'text' })
  till: string;

  @Column({ name: 'pos_reference', type: 'text' })
  posReference: string;

  @Column({ type: 'text' })
  state: CheckoutState;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'total_minor', type: 'bigint', transformer: bigintAsNumber })
  totalMinor: number;

  @Column({ name: 'awarded_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  awardedMinor: number | null;

  @Column({ name: 'spent_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  spentMinor: number | null;

  @Column({ type: 'jsonb', nullable: true })
  receipt: CheckoutReceipt | null;

  /** The saga's whole view at its last transition: what GET /v1/checkouts/{id} shows. */
  @Column({ type: 'jsonb', nullable: true })
  view: CheckoutView | null;

  /** The saga's count of transitions at the last write: the projection never moves backwards. */
  @Column({ name: 'transition_seq', type: 'int', default: 0 })
  transitionSeq: number;

  /** The run that wrote the row: a reset's new run overrides the closed run's transitions. */
  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId: string | null;

  /** The fingerprint of the request that started the checkout (CheckoutRef.requestHash); null before it was kept. */
  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
