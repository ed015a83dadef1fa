// MQTT topic filters of program subscriptions (`+` one level, `#` the rest), and the virtual
// mode's registry of them: exact filters in a map (one look-up per publish), wildcard filters in
// a short list. Scope: one shard (see docs/device-programs.md).

/** Whether `topic` matches the MQTT filter `filter`. */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const part = f[i];
    if (part === '#') return i > 0 || !topic.startsWith('$');
    if (i >= t.length) return false;
    if (part === '+') {
      if (i === 0 && (t[0] as string).startsWith('$')) return false;
      continue;
    }
    if (part !== t[i]) return false;
  }
  return f.length === t.length;
}

export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}

/** Which devices (local index) subscribed to what, in subscription order. */
export class SubscriptionTable {
  private readonly exact = new Map<string, number[]>();
  private readonly wild: { filter: string; d: number }[] = [];
  size = 0;

  add(filter: string, d: number): void {
    this.size++;
    if (hasWildcard(filter)) this.wild.push({ filter, d });
    else {
      const list = this.exact.get(filter);
      if (list) list.push(d);
      else this.exact.set(filter, [d]);
    }
  }

  /** Forgets every subscription of device d (reboot, power loss). */
  removeDevice(d: number, filters: readonly string[]): void {
    for (const f of filters) {
      this.size--;
      if (hasWildcard(f)) {
        const i = this.wild.findIndex((w) => w.d === d && w.filter === f);
        if (i >= 0) this.wild.splice(i, 1);
      } else {
        const list = this.exact.get(f);
        const i = list ? list.indexOf(d) : -1;
        if (list && i >= 0) list.splice(i, 1);
        if (list && list.length === 0) this.exact.delete(f);
      }
    }
  }

  /** Devices subscribed to `topic`, each once, in a stable order. */
  match(topic: string, out: number[]): number[] {
    out.length = 0;
    const list = this.exact.get(topic);
    if (list) for (const d of list) if (!out.includes(d)) out.push(d);
    for (const w of this.wild) if (!out.includes(w.d) && topicMatches(w.filter, topic)) out.push(w.d);
    return out;
  }
}
