import { pickLanguage } from '../../../src/settings/language';
import { messagesFor } from '../../../src/settings/messages';

describe('the merchant pages’ language', () => {
  it.each([
    ['ru', 'en-US,en;q=0.9', 'ru'],
    ['ru-RU', undefined, 'ru'],
    ['de', 'ru;q=0.8,en;q=0.9', 'en'],
    [undefined, 'de-DE,ru;q=0.7', 'ru'],
    [undefined, 'ru;q=0,en', 'en'],
    [undefined, undefined, 'en'],
  ])('account %s, browser %s → %s', (account, browser, expected) => {
    expect(pickLanguage(account, browser)).toBe(expected);
  });

  it('every label exists in every language, with the same placeholders', () => {
    const en = messagesFor('en');
    const ru = messagesFor('ru');
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expect(ru[k]).not.toBe('');
      expect(holes(ru[k])).toEqual(holes(en[k]));
    }
  });
});
