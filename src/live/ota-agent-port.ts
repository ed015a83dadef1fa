// The OTA half of the live port: the device's agent talks to the update server through the
// device type's protocol client (src/ota-protocols: fleetstorm, Mender, hawkBit DDI, AWS IoT
// Jobs). The state machine follows the server's answer: an offer starts the download of the
// server's deployment, none waits for the next poll (at the server's `nextPollMs` when it
// says), a cancel, or an `aborted` answer to a status report, stops the device's deployment.
import { FLAG } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { interruptDownload, notifyOffer, scheduleCheck } from '../device/ota.js';
import { REPORT_BIT } from '../device/ota-pattern.js';
import type { TypeParams } from '../device/params.js';
import { C, H, OS, type CounterName, type HistogramName } from '../metrics/catalog.js';
import type { OtaClientOptions, OtaMqttSide } from '../ota-protocols/module.js';
import { protocolOf } from '../ota-protocols/registry.js';
import type {
  OtaAgentClient,
  OtaCheckAnswer,
  OtaDeployment,
  OtaDeviceFacts,
  OtaEndpoint,
  OtaReportState,
} from '../ota-protocols/types.js';
import type { DeviceType } from '../scenario/types.js';
import type { LiveContext } from './context.js';
import { deploymentProblem } from '../transports/http/offer.js';

/** Deployment URLs are absolute (the seam's rule): resolved against an opaque base, a relative one fails. */
const DEPLOYMENT_BASE = new URL('data:,');

/** Real time a device waits for a check answer (the clients' own timeouts come first). */
const CHECK_DEADLINE_REAL_US = 60e6;

/** States in which a device can still drop its deployment when the server ends it. */
const ABORTABLE: ReadonlySet<number> = new Set([
  OS.idle,
  OS.checking,
  OS['retry-wait'],
  OS.downloading,
  OS.verifying,
]);

export interface LiveOtaOptions {
  /** The update server's HTTP origin (the devices' view: through a fault proxy when there is one). */
  baseUrl: string | null;
  transport: OtaClientOptions['transport'];
  /** Device types in type-index order. */
  types: readonly DeviceType[];
  /** Firmware versions by index (the per-device `fw` byte). */
  versions: readonly string[];
  mqtt: OtaMqttSide | null;
}

export class LiveOta {
  private readonly clients: OtaAgentClient[];
  /** The server's deployment each device works on, by connection id. */
  private readonly deployments = new Map<number, OtaDeployment>();
  /** 1: the last check answer of this device offered its deployment. */
  private readonly offered: Uint8Array;
  /** Real µs at which a device's check was sent. */
  private readonly sentAt: Float64Array;
  /** Check answers per kind (the report's word on why nothing was downloaded). */
  readonly answers = { offer: 0, none: 0, cancel: 0, failed: 0 };

  constructor(
    private readonly ctx: LiveContext,
    private readonly o: LiveOtaOptions,
  ) {
    this.offered = new Uint8Array(ctx.devices);
    this.sentAt = new Float64Array(ctx.devices);
    this.clients = o.types.map((t) =>
      protocolOf(t.ota.protocol, `device type ${t.name}: ota.protocol`).client({
        baseUrl: o.baseUrl,
        transport: o.transport,
        clockUs: () => ctx.clock.realNow(),
        deviceType: t.name,
        ota: t.ota,
        observe: (endpoint, ok, latencyUs) => this.observe(endpoint, ok, latencyUs),
        mqtt: o.mqtt,
        wake: (conn) => this.pushed(conn),
      }),
    );
  }

  /** The deployment device `id` downloads (null when the server offered none). */
  deploymentOf(id: number): OtaDeployment | null {
    return this.deployments.get(id) ?? null;
  }

  /** False while the server holds the install back (maintenance window closed, `update: skip`). */
  installAllowed(sh: Shard, d: number): boolean {
    return this.deployments.get(this.ctx.idOf(sh, d))?.installAllowed !== false;
  }

  serverOffer(sh: Shard, d: number): boolean {
    return this.offered[this.ctx.idOf(sh, d)] === 1;
  }

  checkin(sh: Shard, d: number, t: number): boolean {
    this.ctx.recordLag(t);
    const id = this.ctx.idOf(sh, d);
    sh.a.otaDue[d] = t + CHECK_DEADLINE_REAL_US * this.ctx.clock.speed;
    this.sentAt[id] = this.ctx.clock.realNow();
    const client = this.clientOf(sh, d);
    void client
      .check(this.facts(sh, d), this.deployments.get(id) ?? null)
      .then((ans) => this.answered(id, ans));
    return true;
  }

  report(sh: Shard, d: number, t: number, tp: TypeParams, state: OtaReportState, detail?: string): void {
    if (!(tp.otaReportMask & REPORT_BIT[state])) return;
    const id = this.ctx.idOf(sh, d);
    const dep = this.deployments.get(id);
    if (dep === undefined) return;
    this.ctx.rec.add(C[`ota_reports_total{state="${state}"}` as CounterName]);
    const facts = this.facts(sh, d);
    void this.clientOf(sh, d)
      .report(facts, dep, state, detail)
      .then((ans) => {
        if (ans === 'aborted') this.abort(id, dep);
      });
    if (state === 'success' || state === 'failure') this.deployments.delete(id);
  }

  boot(sh: Shard, d: number): void {
    const client = this.clientOf(sh, d);
    if (client.booted) void client.booted(this.facts(sh, d));
  }

  powerLost(sh: Shard, d: number): void {
    this.clientOf(sh, d).powerLost?.(this.facts(sh, d));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  private clientOf(sh: Shard, d: number): OtaAgentClient {
    return this.clients[sh.a.type[d] as number] as OtaAgentClient;
  }

  private facts(sh: Shard, d: number): OtaDeviceFacts {
    const gid = sh.globalId(d);
    return {
      id: `${this.ctx.runTag}-${gid}`,
      index: gid,
      conn: this.ctx.idOf(sh, d),
      deviceType: this.ctx.typeOf(sh, d).name,
      version: this.o.versions[sh.a.fw[d] as number] ?? 'unknown',
    };
  }

  private observe(endpoint: OtaEndpoint, ok: boolean, latencyUs: number): void {
    this.ctx.rec.add(C[`ota_requests_total{endpoint="${endpoint}"}` as CounterName]);
    if (!ok) this.ctx.rec.add(C[`ota_requests_failed_total{endpoint="${endpoint}"}` as CounterName]);
    else if (endpoint !== 'download')
      this.ctx.rec.record(H[`ota_request_duration_us{endpoint="${endpoint}"}` as HistogramName], latencyUs);
  }

  /** A server push (Jobs notify-next): an idle, connected device checks now, as at a wave start. */
  private pushed(id: number): void {
    if (this.ctx.closing) return;
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    notifyOffer(sh, d, this.ctx.answerAt(), this.ctx.typeOf(sh, d));
    sh.reschedule(d);
  }

  private answered(id: number, answer: OtaCheckAnswer): void {
    if (this.ctx.closing) return;
    // A server's deployment is untrusted input: one that is not to be followed is a failed check.
    const ans: OtaCheckAnswer =
      answer.kind === 'offer' && deploymentProblem(answer.deployment, DEPLOYMENT_BASE) !== null
        ? { kind: 'failed', reason: 'bad_offer' }
        : answer;
    this.answers[ans.kind]++;
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    if (sh.a.ota[d] !== OS.checking) return; // the device moved on (deadline, power cut)
    const at = this.ctx.answerAt();
    const tp = this.ctx.typeOf(sh, d);
    sh.a.reqAt[d] = at - (this.ctx.clock.realNow() - (this.sentAt[id] as number)); // latency in real µs
    this.offered[id] = 0;
    if (ans.kind === 'offer' && ans.deployment.version === this.o.versions[sh.a.fw[d] as number]) {
      this.deployments.set(id, ans.deployment);
      this.report(sh, d, at, tp, 'already-installed');
      this.deployments.delete(id);
    } else if (ans.kind === 'offer') {
      this.deployments.set(id, ans.deployment);
      this.offered[id] = 1;
    } else if (ans.kind === 'cancel') {
      const dep = this.deployments.get(id);
      if (dep !== undefined && dep.id === ans.deploymentId) this.abort(id, dep);
    } else if (ans.kind === 'failed') {
      sh.rec.add(C.http_checkin_failed_total);
    }
    if (this.offered[id] === 1) {
      sh.a.otaDue[d] = at; // the state machine takes the offer now
    } else {
      if (ans.kind !== 'failed') sh.rec.record(H.http_checkin_duration_us, at - (sh.a.reqAt[d] as number));
      if (sh.a.ota[d] === OS.checking) sh.setOta(d, OS.idle);
      scheduleCheck(sh, d, at, tp, false);
      // A push device told "nothing yet" (its notice came before the server's wave did) asks
      // again at its check interval rather than wait for a notice that already went out.
      if (tp.otaPush && sh.a.otaDue[d] === Infinity && (sh.a.flags[d] as number) & FLAG.targeted)
        if (!((sh.a.flags[d] as number) & FLAG.otaDone)) sh.a.otaDue[d] = at + tp.otaCheckUs;
      const next = ans.kind === 'none' || ans.kind === 'offer' ? ans.nextPollMs : undefined;
      if (next !== undefined && sh.a.otaDue[d] !== Infinity)
        sh.a.otaDue[d] = at + next * 1000 * this.ctx.clock.speed;
    }
    sh.reschedule(d);
  }

  /** The server ended device `id`'s deployment: it stops working on it, if it still can. */
  private abort(id: number, dep: OtaDeployment): void {
    if (this.ctx.closing || this.deployments.get(id) !== dep) return;
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    const o = sh.a.ota[d] as number;
    if (!ABORTABLE.has(o)) return; // installing or rebooting: too late to stop
    const at = this.ctx.answerAt();
    this.deployments.delete(id);
    this.offered[id] = 0;
    if (o === OS.downloading) interruptDownload(sh, d, at);
    sh.a.dlBytes[d] = 0;
    sh.a.flags[d] = (sh.a.flags[d] as number) & ~(FLAG.offered | FLAG.corrupt);
    sh.rec.add(C['ota_aborted_total{by="server"}']);
    sh.setOta(d, OS.idle);
    scheduleCheck(sh, d, at, this.ctx.typeOf(sh, d), false);
    sh.reschedule(d);
  }
}
