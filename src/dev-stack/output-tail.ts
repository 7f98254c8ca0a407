import { parseLogLine } from './console-lines';
import type { Readable } from 'node:stream';

/**
 * The last lines a process wrote on the given streams, kept for the error that says why it
 * stopped: a server that dies during its start explains itself there, whatever its stdio.
 */
export function outputTail(streams: Array<Readable | null>, keep = 5): () => string {
  const lines: string[] = [];
  for (const stream of streams) {
    stream?.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean).map(essence));
      lines.splice(0, Math.max(0, lines.length - keep));
    });
  }
  return () => lines.join(' | ');
}

/** A JSON log line's message and error, without its stack trace; other lines as they are. */
function essence(line: string): string {
  const log = parseLogLine(line);
  if (!log || typeof log.msg !== 'string') return line;
  return typeof log.error === 'string' ? `${log.msg} ${log.error}` : log.msg;
}
