import type { FastifyInstance } from 'fastify';
import type { SandboxJournal } from './sandbox-journal';

/** Placeholder until this vendor's sandbox lands (issue 3): no routes yet. */
export class CouponToolsSandbox {
  constructor(private readonly journal: SandboxJournal) {}

  reset(): void {}

  register(_app: FastifyInstance): void {
    void this.journal;
  }
}
