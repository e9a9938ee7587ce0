import { prettyLine } from '../../src/log/pretty-stream';

describe('--pretty log lines', () => {
  it('local time, level word, message, then the fields; no epoch numbers', () => {
    const time = new Date(2026, 10, 23, 9, 5, 7, 42).getTime();
    const line = prettyLine(
      JSON.stringify({
        level: 40,
        time,
        pid: 1,
        hostname: 'h',
        name: 'stockbridge',
        msg: 'sync failed',
        source: 'erp',
        n: 2,
      }),
    );
    expect(line).toBe('09:05:07.042 WARN  sync failed  source=erp n=2');
    expect(prettyLine('not json')).toBe('not json');
  });
});
