import { ShedLog } from '../../src/admission/shed-log';

describe(ShedLog.name, () => {
  it('writes one line per flush with the counts by reason gathered since the last, and nothing when there were none', () => {
    const lines: string[] = [];
    const log = new ShedLog((line) => lines.push(line));
    for (let i = 0; i < 500; i++) log.record(i % 5 === 0 ? 'backlog' : 'in-flight');
    expect(lines).toHaveLength(0);
    log.flush();
    expect(lines).toEqual(['shed 500 new checkouts (503 overloaded, nothing started): backlog 100, in-flight 400']);
    log.flush();
    expect(lines).toHaveLength(1);
    log.record('no-worker');
    log.flush();
    expect(lines[1]).toBe('shed 1 new checkouts (503 overloaded, nothing started): no-worker 1');
  });
});
