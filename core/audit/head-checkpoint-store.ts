import { constants as fsConstants, createReadStream } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { CheckoutHead } from './audit-seal';
import { merchantDirectory } from './external-seal-store';

/** A checkout's newest audit row when a checkpoint was taken, and the store the row names. */
export interface StoreHead extends CheckoutHead {
  store: string;
}

/**
 * One line of a head checkpoint written outside Postgres: the newest row of every checkout of the
 * merchant with a row recorded since `since` (null: every checkout, the merchant's first checkpoint),
 * as it was at `at`. A checkpoint is one or more head lines and then one `end` line; only a
 * checkpoint with its end line counts as taken (a run cut short is taken again from the last complete one).
 */
export type HeadCheckpointLine =
  | { merchant: string; at: string; since: string | null; heads: StoreHead[] }
  | { merchant: string; at: string; since: string | null; end: true; headCount: number };

/** The head lines of some time, and how many lines could not be read (a write torn by a crash). */
export interface HeadCheckpointRead {
  lines: Array<Extract<HeadCheckpointLine, { heads: StoreHead[] }>>;
  unreadable: number;
}

/**
 * An append-only store of head checkpoints outside Postgres (an abstract class: the API injects it by
 * this name). Between the nightly seals this is what a database superuser cannot rewrite: a
 * checkout's newest rows deleted, or its whole chain recomputed, after a checkpoint recorded them.
 */
export abstract class HeadCheckpointStore {
  /** Where the lines are, for messages. */
  abstract readonly location: string;
  abstract append(lines: HeadCheckpointLine[]): Promise<void>;
  /**
   * When the merchant's newest complete checkpoint was taken (ISO), or null before its first. A line
   * dated after `notAfter` (a forged line, a clock that jumped ahead) is not taken: it would move the
   * next checkpoint's window into the future and record nothing from then on.
   */
  abstract lastCompleteAt(merchant: string, notAfter: Date): Promise<string | null>;
  /** The merchant's head lines taken in [from, to). */
  abstract read(merchant: string, from: Date, to: Date): Promise<HeadCheckpointRead>;
  /**
   * The heads `keep` takes of the merchant's first checkpoint (every checkout it had then, legacy
   * chains included): its lines up to the first complete one (a first checkpoint cut short is taken
   * again, also as a first), filtered while read, so a large first checkpoint is never held whole.
   */
  abstract readFirst(merchant: string, keep: (head: StoreHead) => boolean): Promise<HeadCheckpointRead>;
}

/** How much of a file's end is read to find its last end line before the whole file is read. */
const TAIL_BYTES = 16 * 1024;

/**
 * JSONL files next to the seals: `<AUDIT_SEAL_DIR>/<merchant>/checkpoints/<YYYY-MM-DD>.jsonl` by the
 * UTC day of `at`, opened with O_APPEND and flushed to disk before the append returns; never
 * rewritten or truncated (the same guarantees as FileSealStore, in the same directory).
 */
export class FileHeadCheckpointStore extends HeadCheckpointStore {
  constructor(private readonly sealDir: string) {
    super();
  }

  get location(): string {
    return path.join(this.sealDir, '<merchant>', 'checkpoints');
  }

  async append(lines: HeadCheckpointLine[]): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const line of lines) {
      const file = this.fileOf(line.merchant, line.at.slice(0, 10));
      byFile.set(file, [...(byFile.get(file) ?? []), JSON.stringify(line)]);
    }
    for (const [file, texts] of byFile) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
      const handle = await open(file, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o640);
      try {
        // A torn last line (a crash mid-write) must not swallow the next one: start on a new line.
        const { size } = await handle.stat();
        const last = Buffer.alloc(1);
        const torn = size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last.toString() !== '\n';
        await handle.write(`${torn ? '\n' : ''}${texts.join('\n')}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }

  async lastCompleteAt(merchant: string, notAfter: Date): Promise<string | null> {
    const limit = notAfter.toISOString();
    const days = (await this.days(merchant)).filter((day) => day <= limit.slice(0, 10)).reverse();
    // The newest day first; a day whose checkpoints all failed to finish sends us one day further back.
    for (const day of days.slice(0, 3)) {
      const file = this.fileOf(merchant, day);
      const end = lastEnd(await tail(file), limit) ?? (await this.lastEndOfFile(file, limit));
      if (end) return end;
    }
    return null;
  }

  async read(merchant: string, from: Date, to: Date): Promise<HeadCheckpointRead> {
    const [first, last] = [from.toISOString().slice(0, 10), new Date(to.getTime() - 1).toISOString().slice(0, 10)];
    const days = (await this.days(merchant)).filter((day) => day >= first && day <= last);
    return this.headLines(merchant, days, (line) => line.at >= from.toISOString() && line.at < to.toISOString());
  }

  async readFirst(merchant: string, keep: (head: StoreHead) => boolean): Promise<HeadCheckpointRead> {
    const lines: HeadCheckpointRead['lines'] = [];
    let unreadable = 0;
    // Oldest day first, until the end line of a first checkpoint (`since` null): what came before it is first too.
    for await (const line of this.parsedLines(merchant, await this.days(merchant))) {
      if (!line) unreadable++;
      else if (line.merchant !== merchant || line.since !== null) continue;
      else if ('end' in line) return { lines, unreadable };
      else {
        const heads = line.heads.filter(keep);
        if (heads.length) lines.push({ ...line, heads });
      }
    }
    return { lines, unreadable };
  }

  /** The head lines of these days' files that `keep` takes, read a line at a time. */
  private async headLines(merchant: string, days: string[], keep: (line: HeadCheckpointRead['lines'][number]) => boolean): Promise<HeadCheckpointRead> {
    const lines: HeadCheckpointRead['lines'] = [];
    let unreadable = 0;
    for await (const line of this.parsedLines(merchant, days)) {
      if (!line) unreadable++;
      else if ('heads' in line && line.merchant === merchant && keep(line)) lines.push(line);
    }
    return { lines, unreadable };
  }

  /** Every line of these days' files in order, parsed (undefined: a line that could not be read), a line at a time. */
  private async *parsedLines(merchant: string, days: string[]): AsyncGenerator<HeadCheckpointLine | undefined> {
    for (const day of days) for await (const raw of linesOf(this.fileOf(merchant, day))) yield parse(raw);
  }

  private async lastEndOfFile(file: string, limit: string): Promise<string | null> {
    let found: string | null = null;
    for await (const raw of linesOf(file)) found = laterEnd(found, parse(raw), limit);
    return found;
  }

  /** The days the merchant has a checkpoint file of, oldest first. */
  private async days(merchant: string): Promise<string[]> {
    try {
      const names = await readdir(path.join(this.sealDir, merchantDirectory(merchant), 'checkpoints'));
      return names.filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n)).map((n) => n.slice(0, 10)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private fileOf(merchant: string, day: string): string {
    return path.join(this.sealDir, merchantDirectory(merchant), 'checkpoints', `${day}.jsonl`);
  }
}

function parse(raw: string): HeadCheckpointLine | undefined {
  try {
    const line = JSON.parse(raw) as HeadCheckpointLine;
    if (typeof line.merchant !== 'string' || typeof line.at !== 'string') return undefined;
    if ('heads' in line ? Array.isArray(line.heads) : 'end' in line && line.end === true) return line;
  } catch {
    // a torn line: counted by the caller
  }
  return undefined;
}

/** The `at` of the latest end line in `text` not after `limit`, if any. */
function lastEnd(text: string, limit: string): string | null {
  let found: string | null = null;
  for (const raw of text.split('\n')) if (raw.trim()) found = laterEnd(found, parse(raw), limit);
  return found;
}

function laterEnd(found: string | null, line: HeadCheckpointLine | undefined, limit: string): string | null {
  return line && 'end' in line && line.at <= limit && (found === null || line.at > found) ? line.at : found;
}

/** The non-empty lines of a file, streamed. */
async function* linesOf(file: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const raw of lines) if (raw.trim()) yield raw;
}

/** The last TAIL_BYTES of a file (its first line there may be cut: parse drops it). */
async function tail(file: string): Promise<string> {
  const handle = await open(file, fsConstants.O_RDONLY);
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
