import { fileAccountUrl, isTechnicalUrl } from '../../../src/accounts/follow-system-url';

describe('a file-declared account the CRM moved (fileAccountUrl)', () => {
  const file = 'https://old.retailcrm.ru';
  const moved = { crmUrl: 'https://new.retailcrm.ru', fileUrl: file };

  it('uses the followed address while the file still says the old one, with a warning to update the file', () => {
    const got = fileAccountUrl(file, moved, []);
    expect(got.url).toBe('https://new.retailcrm.ru');
    expect(got.warning).toMatch(/config file still says https:\/\/old\.retailcrm\.ru.*Update the account's crm\.url/);
  });

  it('gives the file back its word once it changed: to the new address (no warning) or to any other', () => {
    expect(fileAccountUrl('https://new.retailcrm.ru', moved, [])).toEqual({
      url: 'https://new.retailcrm.ru',
      warning: null,
    });
    expect(fileAccountUrl('https://third.retailcrm.ru', moved, [])).toEqual({
      url: 'https://third.retailcrm.ru',
      warning: null,
    });
  });

  it('keeps the file when nothing was followed, or when the URL rules no longer allow the followed address', () => {
    expect(fileAccountUrl(file, {}, [])).toEqual({ url: file, warning: null });
    const local = { crmUrl: 'http://127.0.0.1:8080', fileUrl: file };
    expect(fileAccountUrl(file, local, ['127.0.0.1:8080']).url).toBe('http://127.0.0.1:8080');
    expect(fileAccountUrl(file, local, [])).toEqual({ url: file, warning: null });
  });

  it('knows a technical address by its domain', () => {
    expect(isTechnicalUrl('https://shop1xxxx.retailcrm.io')).toBe(true);
    expect(isTechnicalUrl('https://shop1.retailcrm.ru')).toBe(false);
    expect(isTechnicalUrl('https://retailcrm.io.example.com')).toBe(false);
  });
});
