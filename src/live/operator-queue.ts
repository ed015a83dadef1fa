// One operation's sends in the live operator: the selected devices of this process sorted by
// their intended send time (a cursor walks them), and the command ids sent, oldest first (their
// timeouts come in the same order, since one operation's timeout is the same for every device).

export class OperatorQueue {
  private at: number[] = [];
  private ids: number[] = [];
  private order: Int32Array = new Int32Array(0);
  private next = 0;
  private readonly sentIds: string[] = [];
  private sentHead = 0;

  add(atUs: number, id: number): void {
    this.at.push(atUs);
    this.ids.push(id);
  }

  /** Orders the sends by time (then connection id) once every device is added. */
  sort(): void {
    const n = this.at.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const at = this.at;
    const ids = this.ids;
    order.sort((a, b) => (at[a] as number) - (at[b] as number) || (ids[a] as number) - (ids[b] as number));
    this.order = order;
  }

  get size(): number {
    return this.order.length;
  }

  /** A send is due before `vNow` (windows are half-open, as the fleet core's: [from, to)). */
  hasDue(vNow: number): boolean {
    return this.next < this.order.length && this.nextAt() < vNow;
  }

  nextAt(): number {
    return this.at[this.order[this.next] as number] as number;
  }

  nextId(): number {
    return this.ids[this.order[this.next] as number] as number;
  }

  advance(): void {
    this.next++;
  }

  sent(cid: string): void {
    this.sentIds.push(cid);
  }

  oldestSent(): string | null {
    return this.sentHead < this.sentIds.length ? (this.sentIds[this.sentHead] as string) : null;
  }

  dropOldest(): void {
    this.sentHead++;
    if (this.sentHead > 4096 && this.sentHead * 2 > this.sentIds.length) {
      this.sentIds.splice(0, this.sentHead);
      this.sentHead = 0;
    }
  }
}
