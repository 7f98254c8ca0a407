import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'safe-stable-stringify';
import type { CheckoutHead } from './audit-seal';

/**
 * A daily seal as written outside Postgres: what the audit_seals row says, so verify can hold the
 * row (and the heads it recorded) against a copy the database's owner cannot rewrite.
 */
export interface ExternalSealLine {
  merchant: string;
  store: string;
  /** YYYY-MM-DD, a calendar day in `timeZone` (null: a UTC day sealed before stores had zones). */
  day: string;
  timeZone: string | null;
  /** The chain key id the seal hash was computed with. */
  keyId: string;
  prevSealHash: string;
  sealHash: string;
  heads: CheckoutHead[];
}

/** A merchant's external lines of some days, and how many lines could not be read (a torn write). */
export interface ExternalSealRead {
  lines: ExternalSealLine[];
  unreadable: number;
}

/**
 * An append-only store of seal lines outside Postgres (an abstract class: the API injects it by this name). The file implementation below is the one in
 * use; an object store with write-once objects (S3 Object Lock, GCS retention) could implement the
 * same two methods. Appending is idempotent: a line already there (same content) is not appended
 * again, and a different line for a store-day that has one is not appended either (verify reports
 * the difference); concurrent appends of the same line may leave it twice, which readers tolerate.
 */
export abstract class ExternalSealStore {
  /** Where the lines are, for messages (a directory, a bucket). */
  abstract readonly location: string;
  /** Appends each line that its store-day does not have yet; returns how many were appended. */
  abstract appendMissing(merchant: string, lines: ExternalSealLine[]): Promise<{ appended: number; conflicting: number }>;
  /** The merchant's lines of the days from `from` to `to` (both inclusive), of one store or all. */
  abstract read(merchant: string, from: string, to: string, store?: string): Promise<ExternalSealRead>;
}

/** A merchant id as a directory name: letters, digits, `_` and `-` as they are, every other character %-escaped (no `.`, `..` or `/`). */
export function merchantDirectory(merchant: string): string {
  if (!merchant) throw new Error('a merchant id is required');
  return merchant.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.codePointAt(0)?.toString(16).toUpperCase()}`);
}

/**
 * JSONL files under AUDIT_SEAL_DIR: `<dir>/<merchant>/<YYYY-MM>.jsonl` (merchantDirectory) by the sealed day's month
 * (verify reads at most four months, the nightly catch-up two), one seal a line, each file opened
 * with O_APPEND (no write can land anywhere but the end) and flushed to disk before the append
 * returns. Nothing here ever rewrites or truncates a file.
 */
export class FileSealStore extends ExternalSealStore {
  constructor(readonly location: string) {
    super();
  }

  async appendMissing(merchant: string, lines: ExternalSealLine[]): Promise<{ appended: number; conflicting: number }> {
    let appended = 0;
    let conflicting = 0;
    const byMonth = new Map<string, ExternalSealLine[]>();
    for (const line of lines) byMonth.set(line.day.slice(0, 7), [...(byMonth.get(line.day.slice(0, 7)) ?? []), line]);
    for (const [month, monthLines] of byMonth) {
      const file = this.fileOf(merchant, month);
      const existing = await readLines(file);
      const present = new Map(existing.lines.map((l) => [`${l.store}|${l.day}`, stringify(l)]));
      const toAppend: string[] = [];
      for (const line of monthLines) {
        const text = stringify(line) as string;
        const there = present.get(`${line.store}|${line.day}`);
        if (there === undefined) {
          toAppend.push(text);
          present.set(`${line.store}|${line.day}`, text);
        } else if (there !== text) conflicting++;
      }
      if (!toAppend.length) continue;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
      // A torn last line (a crash mid-write) must not swallow the next one: start on a new line.
      const prefix = existing.endsWithoutNewline ? '\n' : '';
      const handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o640);
      try {
        await handle.write(`${prefix}${toAppend.join('\n')}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      appended += toAppend.length;
    }
    return { appended, conflicting };
  }

  async read(merchant: string, from: string, to: string, store?: string): Promise<ExternalSealRead> {
    const lines: ExternalSealLine[] = [];
    let unreadable = 0;
    for (const month of monthsBetween(from, to)) {
      const found = await readLines(this.fileOf(merchant, month));
      unreadable += found.unreadable;
      for (const line of found.lines) {
        if (line.merchant === merchant && line.day >= from && line.day <= to && (store === undefined || line.store === store)) lines.push(line);
      }
    }
    return { lines, unreadable };
  }

  private fileOf(merchant: string, month: string): string {
    return path.join(this.location, merchantDirectory(merchant), `${month}.jsonl`);
  }
}

async function readLines(file: string): Promise<ExternalSealRead & { endsWithoutNewline: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], unreadable: 0, endsWithoutNewline: false };
    throw error;
  }
  const lines: ExternalSealLine[] = [];
  let unreadable = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const line = JSON.parse(raw) as ExternalSealLine;
      if (typeof line.store === 'string' && typeof line.day === 'string' && typeof line.sealHash === 'string' && Array.isArray(line.heads)) lines.push(line);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { lines, unreadable, endsWithoutNewline: text.length > 0 && !text.endsWith('\n') };
}

/** YYYY-MM of every month from `from`'s to `to`'s. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const last = to.slice(0, 7);
  for (;;) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    months.push(current);
    if (current >= last || months.length > 24) return months;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}
