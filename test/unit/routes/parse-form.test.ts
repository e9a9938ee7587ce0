import fc from 'fast-check';
import querystring from 'node:querystring';
import { parseFlatForm } from '../../../routes/middleware/parse-form';

describe('parseFlatForm', () => {
  it('reads fields, "+" as space, repeated keys as lists, and gives a null-prototype object', () => {
    const o = parseFlatForm('a=1&b=x+y%2Bz&a=2&empty=&flag&__proto__=p');
    expect(Object.keys(o)).toEqual(['a', 'b', 'empty', 'flag', '__proto__']);
    expect([o.a, o.b, o.empty, o.flag]).toEqual([['1', '2'], 'x y+z', '', '']);
    // an own key (refused later by rejectForbiddenKeys), never the prototype
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(o)).toBeNull();
  });

  it('throws on a malformed %-escape', () => {
    expect(() => parseFlatForm('a=%E0%A4%A')).toThrow(URIError);
  });

  it('property: agrees with node:querystring on anything URLSearchParams encodes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 })), { maxLength: 6 }),
        (pairs) => {
          const text = new URLSearchParams(pairs).toString();
          return JSON.stringify({ ...parseFlatForm(text) }) === JSON.stringify({ ...querystring.parse(text) });
        },
      ),
      { numRuns: 500, verbose: true },
    );
  });
});
