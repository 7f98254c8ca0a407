import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from './roles';

/** One API key: its hash, never its secret; role and scope say what it may do. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Public part of the key's text (`cs_<keyId>_<secret>`): finds the row, safe to log and list. */
  @Column({ name: 'key_id', type: 'text', unique: true })
  keyId: string;

  /** SHA-256 (hex) of the whole key. */
  @Column({ name: 'key_hash', type: 'text' })
  keyHash: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'text' })
  merchant: string;

  /** Null: every store of the merchant. */
  @Column({ type: 'text', nullable: true })
  store: string | null;

  /** Null: every till of the store (or merchant). */
  @Column({ type: 'text', nullable: true })
  till: string | null;

  @Column({ name: 'rate_limit_per_minute', type: 'int' })
  rateLimitPerMinute: number;

  @Column({ type: 'text', nullable: true })
  label: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
