// Server-side measurement per endpoint: requests, errors and latency percentiles, kept in log
// buckets (5 % wide) so a million requests cost a few hundred numbers, not a million.
import type { EndpointStat } from './types.js';

const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 600; // 1 µs · 1.05^600 ≈ 5e12 µs: any latency a run can see

class Endpoint {
  requests = 0;
  errors = 0;
  maxUs = 0;
  readonly counts = new Float64Array(BUCKETS);

  add(latencyUs: number, status: number): void {
    this.requests++;
    if (status >= 400 || status === 0) this.errors++;
    const us = Math.max(1, latencyUs);
    if (us > this.maxUs) this.maxUs = us;
    const b = Math.min(BUCKETS - 1, Math.floor(Math.log(us) / LOG_GROWTH));
    this.counts[b] = (this.counts[b] as number) + 1;
  }

  percentile(q: number): number {
    const total = this.requests;
    if (total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b] as number;
      if (seen >= rank) return Math.min(this.maxUs, Math.round(Math.pow(GROWTH, b + 1)));
    }
    return this.maxUs;
  }
}

export class EndpointStats {
  private readonly byName = new Map<string, Endpoint>();

  /** One answered request: real µs from its arrival to the end of the response. */
  add(name: string, latencyUs: number, status: number): void {
    let e = this.byName.get(name);
    if (e === undefined) {
      e = new Endpoint();
      this.byName.set(name, e);
    }
    e.add(latencyUs, status);
  }

  snapshot(): Record<string, EndpointStat> {
    const out: Record<string, EndpointStat> = {};
    for (const [name, e] of [...this.byName].sort((a, b) => a[0].localeCompare(b[0]))) {
      out[name] = {
        requests: e.requests,
        errors: e.errors,
        p50Us: e.percentile(0.5),
        p90Us: e.percentile(0.9),
        p99Us: e.percentile(0.99),
        maxUs: Math.round(e.maxUs),
      };
    }
    return out;
  }
}
