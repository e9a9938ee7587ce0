import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

/** One pino JSON line as people read it: local time, level, message, then the other fields as key=value. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const t = typeof o.time === 'number' ? new Date(o.time) : new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`;
  const level = LEVELS[o.level as number] ?? String(o.level);
  const fields = Object.entries(o)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return `${time} ${level} ${typeof o.msg === 'string' ? o.msg : ''}${fields.length ? `  ${fields.join(' ')}` : ''}`;
}

/**
 * `npm start -- --pretty`: the log for a terminal, built in (no pino-pretty needed). Production keeps the JSON
 * lines (one object a line, for a log collector); pipe them through `npx pino-pretty` if that is installed.
 */
export function prettyStream(out: NodeJS.WritableStream = process.stdout): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l) out.write(`${prettyLine(l)}\n`);
      done();
    },
  });
}
