/** Source figure rows (offer, warehouse, quantity) as offer → warehouse → quantity, in row order. */
export function groupFigures(rows: Iterable<Record<string, unknown>>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const offer = String(r.offer);
    let m = out.get(offer);
    if (!m) out.set(offer, (m = new Map<string, number>()));
    m.set(String(r.warehouse), Number(r.quantity));
  }
  return out;
}
