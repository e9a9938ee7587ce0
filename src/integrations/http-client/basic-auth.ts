/** An HTTP Basic `Authorization` header value (RFC 7617): the one place credentials are joined and encoded. */
export function basicAuth(user: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
}
