import { prettyFactory } from 'pino-pretty';
import type { AppConfig } from '../../core/config/app-config';

/**
 * How `npm start` prints each line a child process writes: `pretty` turns a JSON log line into one
 * readable line (time, level, message, the fields that matter), `json` prints it as it came. Either
 * way the line is prefixed with the process's name; lines that are not JSON log lines (banners,
 * console.log, the Temporal CLI's text) pass through unchanged after the prefix.
 *
 * Only fields of the line itself are printed, after the process's own pino redaction: a redacted
 * value stays `[redacted]`, and request and response headers and bodies are never shown.
 */
export type LogFormat = AppConfig['LOG_FORMAT'];

export interface ConsoleLineOptions {
  /** ANSI colours for levels and messages (a terminal). */
  colorize?: boolean;
}

/** A formatted line, or undefined for a line the console leaves out (Nest's boot chatter). */
export type ConsoleLineFormatter = (line: string) => string | undefined;

const NAME_WIDTH = 8; // "temporal"

export function consolePrefix(name: string): string {
  return `${name.padEnd(NAME_WIDTH)} │ `;
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, dpanic: 50, fatal: 60, panic: 60 };

/**
 * A JSON log line with pino's numeric level and epoch-millisecond time (the Temporal server's JSON
 * says `"level":"WARN"` and an ISO time), or undefined when the line is not a JSON log line.
 */
export function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || (value.level === undefined && typeof value.msg !== 'string')) return undefined;
  const level = typeof value.level === 'string' ? LEVELS[value.level.toLowerCase()] : value.level;
  // temporal-server (zap) names its time `ts`.
  const when = value.time ?? value.ts;
  const time = typeof when === 'string' ? Date.parse(when) : when;
  return { ...value, level, time };
}

export function consoleLineFormatter(name: string, format: LogFormat, options: ConsoleLineOptions = {}): ConsoleLineFormatter {
  const prefix = consolePrefix(name);
  if (format === 'json') return (line) => prefix + line;
  const pretty = prettyFactory({
    colorize: options.colorize ?? false,
    translateTime: 'SYS:HH:MM:ss',
    customPrettifiers: { time: (time) => String(time) },
    ignore: 'pid,hostname',
    hideObject: true,
    singleLine: true,
    messageFormat: (log) => summary(log),
  });
  return (line) => {
    const log = parseLogLine(line);
    if (!log) return prefix + line;
    if (isBootChatter(log)) return undefined;
    return prefix + pretty(log).trimEnd();
  };
}

/** Nest's module and route listing at start: some fifty lines that say the API is starting. */
const NEST_BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

function isBootChatter(log: Record<string, unknown>): boolean {
  return typeof log.context === 'string' && NEST_BOOT_CONTEXTS.has(log.context) && Number(log.level) <= LEVELS.info;
}

/** Fields that are in the line's header already, repeat on every line, or say nothing to a person. */
const HIDDEN_FIELDS = new Set([
  'level', 'time', 'msg', 'pid', 'hostname', 'process', 'context', 'req', 'res', 'responseTime',
  'checkoutId', 'workflowId', 'sdkComponent', 'taskQueue', 'namespace', 'runId', 'workflowRunId',
  'taskToken', 'activityId', 'isLocal', 'ts', 'logging-call-at', 'stacktrace',
]);

/** The message (an API request as `METHOD url status time`), then the checkout and the other fields. */
function summary(log: Record<string, unknown>): string {
  const req = isRecord(log.req) ? log.req : undefined;
  const res = isRecord(log.res) ? log.res : undefined;
  const message = req && res ? `${String(req.method)} ${String(req.url)} ${String(res.statusCode)} ${String(log.responseTime)}ms` : firstLine(log.msg);
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  const fields: Array<[string, unknown]> = [['checkout', log.checkoutId]];
  if (log.workflowId !== log.checkoutId) fields.push(['workflow', log.workflowId]);
  for (const [key, value] of Object.entries(log)) if (!HIDDEN_FIELDS.has(key)) fields.push([key, value]);
  const shown = fields.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([key, value]) => `${key}=${show(value)}`);
  return withoutControlCharacters([context + message, ...shown].join(' '));
}

function firstLine(msg: unknown): string {
  const lines = (typeof msg === 'string' ? msg : msg === undefined ? '' : JSON.stringify(msg)).split('\n');
  return lines.length > 1 ? `${lines[0]} (+${lines.length - 1} lines)` : lines[0];
}

const MAX_VALUE = 160;

function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) text = value.join(',');
  else if (isRecord(value) && typeof value.message === 'string') text = `${typeof value.type === 'string' ? `${value.type}: ` : ''}${firstLine(value.message)}`;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE)}…`;
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

function withoutControlCharacters(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
