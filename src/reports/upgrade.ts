// report.json files written before a field existed still read: the resolved scenario inside
// them gets the neutral value of every field added since schema v1 was first written, so
// `fleetstorm replay` and `report render` treat them exactly as the build that wrote them did
// (a fault without `when` is a timed fault, without `who.states` it hits any state, ...).
import type { Report } from './report-types.js';

type Loose<T> = { [K in keyof T]?: T[K] };

export function upgradeReport(r: Report): Report {
  const s = r.scenario as Loose<Report['scenario']> & Report['scenario'];
  s.scaledFrom ??= null;
  for (const t of Object.values(s.deviceTypes ?? {})) {
    const c = t.connectivity as Loose<typeof t.connectivity> & typeof t.connectivity;
    c.protocol ??= '3.1.1';
    c.sessionExpiryUs ??= 3_600_000_000;
  }
  for (const f of s.faults ?? []) {
    const loose = f as Loose<typeof f> & typeof f;
    loose.when ??= null;
    const who = loose.who as Loose<typeof f.who> & typeof f.who;
    who.states ??= null;
  }
  return r;
}
