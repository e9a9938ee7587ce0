/**
 * A peer's error text made safe to show an operator: the JSON `message` (or `error.message`, or the first of
 * `errors[].message`) when there is one, an HTML page's text in brief, or a short excerpt. Never a whole page.
 */
export function peerMessage(text: string, status: number | null): string {
  try {
    const j = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      message?: unknown;
      errors?: unknown;
    };
    const e = j.error;
    const first = Array.isArray(j.errors) ? (j.errors[0] as { message?: unknown } | undefined)?.message : undefined;
    const msg = typeof e === 'string' ? e : (e?.message ?? j.message ?? first);
    if (typeof msg === 'string' && msg) return msg.slice(0, 300);
  } catch {
    /* not JSON */
  }
  if (/^\s*</.test(text))
    return `HTML page instead of JSON: "${text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 100)}"`;
  return text ? text.slice(0, 200) : `HTTP ${status ?? 'no answer'}`;
}

/** `/^\s*</`: an HTML page where JSON was expected (a proxy, a login or maintenance page). */
export const looksLikeHtml = (text: string) => /^\s*</.test(text);
