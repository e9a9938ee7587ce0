import fc from 'fast-check';
import { createCallbackCapture, maskClientId } from '../../../src/intake/callback-capture';

const SECRET = 'client-id-SECRET-2222';
const entry = (i: number, rawBody: string) => ({
  reading: 'unknown' as const,
  status: 200,
  offers: i,
  answered: 0,
  answer: null,
  rawBody,
});

describe('the capture of recent callbacks', () => {
  it('keeps the last 100, newest first', () => {
    const capture = createCallbackCapture({ clientId: SECRET });
    for (let i = 0; i < 250; i++) capture.add(entry(i, `n=${i}`));
    const recent = capture.recent();
    expect(recent).toHaveLength(100);
    expect(recent[0].offers).toBe(249);
    expect(recent[99].offers).toBe(150);
    expect(new Date(recent[0].at).toISOString()).toBe(recent[0].at);
  });

  it('caps each body and masks clientId in form and JSON bodies, and the secret anywhere else', () => {
    const capture = createCallbackCapture({ clientId: SECRET, maxBodyChars: 4096 });
    capture.add(entry(1, `clientId=${encodeURIComponent(SECRET)}&offers=${'x'.repeat(10_000)}`));
    capture.add(entry(2, JSON.stringify({ clientId: 'someone-else', note: `copied ${SECRET}` })));
    const [json, form] = capture.recent();
    expect(form.body.length).toBeLessThan(4200);
    expect(form.body.startsWith('clientId=***&offers=')).toBe(true);
    expect(json.body).toBe('{"clientId":"***","note":"copied ***"}');
    expect(JSON.stringify(capture.recent())).not.toContain(SECRET);
  });

  it('masks a clientId cut by the size cap', () => {
    expect(maskClientId('{"clientId":"client-id-SEC', SECRET)).not.toContain('client-id');
    expect(maskClientId('a=1&clientId=client-id-SEC', SECRET)).toBe('a=1&clientId=***');
  });

  it('property: no clientId survives masking, in a form or a JSON body, whatever its characters', () => {
    const seed = Date.now();
    const id = fc.string({ minLength: 8, maxLength: 40 }).filter((v) => v.trim().length >= 8);
    fc.assert(
      fc.property(id, fc.string({ maxLength: 30 }), (clientId, other) => {
        const form = new URLSearchParams({ a: other, clientId, b: other }).toString();
        const json = JSON.stringify({ a: other, clientId, b: `${other}${clientId}` });
        const masked = maskClientId(form, clientId) + maskClientId(json, clientId);
        return !masked.includes(clientId) && !masked.includes(encodeURIComponent(clientId));
      }),
      { numRuns: 300, seed, verbose: true, examples: [] },
    );
  });
});
