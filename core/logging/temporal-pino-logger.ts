import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import pino from 'pino';
import { REDACTION, checkoutIdOf } from './log-redaction';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The worker's Temporal Runtime logger as pino JSON. Activity and workflow log lines arrive with
 * Temporal's metadata (workflowId, runId, activityType, attempt…); a checkout's lines also get
 * `checkoutId`, so one query finds everything the API, the workflow and its activities said about it.
 */
export class TemporalPinoLogger implements Logger {
  constructor(private readonly pinoLogger: pino.Logger) {}

  static create(level: string, destination?: pino.DestinationStream): TemporalPinoLogger {
    return new TemporalPinoLogger(pino({ level, redact: REDACTION, base: { process: 'worker' } }, destination));
  }

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
    const checkoutId = checkoutIdOf(workflowId);
    this.pinoLogger[LEVELS[level] ?? 'info']({ ...meta, ...(checkoutId && { checkoutId }) }, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
