import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../core/config/app-config';
import { describeWorkflowTaskQueue } from '../../core/temporal/workflow-task-queue';
import { APP_CONFIG } from '../config/config.module';

export interface ReadinessCheck {
  name: 'database' | 'temporal' | 'worker';
  ok: boolean;
  detail?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

/** Can this API serve checkouts now: Postgres answers, Temporal answers, and a worker polls our queue. */
@Injectable()
export class ReadinessService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(): Promise<ReadinessCheck[]> {
    return Promise.all([
      this.run('database', async () => {
        await this.dataSource.query('SELECT 1');
      }),
      this.run('temporal', async () => {
        await this.temporal.workflowService.getSystemInfo({});
      }),
      this.run('worker', async () => {
        const { pollers } = await describeWorkflowTaskQueue(this.temporal.workflowService, { namespace: this.config.TEMPORAL_NAMESPACE, taskQueue: this.config.TEMPORAL_TASK_QUEUE });
        if (pollers === 0) throw new Error(`no worker polled task queue ${this.config.TEMPORAL_TASK_QUEUE} in the last minute`);
      }),
    ]);
  }

  private async run(name: ReadinessCheck['name'], probe: () => Promise<void>): Promise<ReadinessCheck> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        }),
      ]);
      return { name, ok: true };
    } catch (err) {
      return { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
