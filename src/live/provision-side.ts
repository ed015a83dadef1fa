// The registration half of the live port (`provisioning`): one POST to the device type's
// `provisioning.path` on the target's HTTP API, the device id in the body. A 2xx registers the
// device, another status refuses it, no answer within the timeout loses the request; the answer
// brings the device's pending event forward, as a CONNACK does for a connect.
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { LIFE } from '../device/provision.js';
import { CS } from '../metrics/catalog.js';
import type { LiveContext } from './context.js';
import type { LiveHttp } from './http-side.js';

export class LiveProvision {
  /** The request each device is waiting for: an answer to an older one is ignored. */
  private readonly pending = new Map<number, number>();
  private serial = 0;

  constructor(
    private readonly ctx: LiveContext,
    private readonly http: LiveHttp | null,
  ) {}

  provision(sh: Shard, d: number, t: number, tp: TypeParams): void {
    const a = sh.a;
    this.ctx.recordLag(t);
    if (this.http === null) {
      // No HTTP API to register with: the device counts as registered at once.
      a.life[d] = LIFE.askOk;
      a.connDue[d] = t;
      return;
    }
    a.life[d] = LIFE.askFailed; // until an answer comes: the timeout is the deadline
    a.connDue[d] = t + tp.provisionTimeoutUs;
    const id = this.ctx.idOf(sh, d);
    const serial = ++this.serial;
    this.pending.set(id, serial);
    const body = { device: `${this.ctx.runTag}-${sh.globalId(d)}` };
    void this.http.client
      .post(tp.provisionPath, body, this.ctx.clock.realOf(t))
      .then(({ result }) => this.answered(id, serial, result.ok, result.status));
  }

  private answered(id: number, serial: number, ok: boolean, status: number): void {
    if (this.ctx.closing || this.pending.get(id) !== serial) return;
    this.pending.delete(id);
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    // the device gave up on it meanwhile (timeout, radio drop, power cut)
    if (sh.a.life[d] !== LIFE.askFailed || sh.a.conn[d] !== CS.connecting) return;
    // no HTTP answer (refused connection, reset) is a lost request: it fails now, not at the timeout
    if (status !== 0) sh.a.life[d] = ok ? LIFE.askOk : LIFE.askRefused;
    sh.a.connDue[d] = this.ctx.answerAt();
    sh.reschedule(d);
  }
}
