// The HTTP half of the live port: check-in and resumable firmware download over undici. The
// state machine decides on offers from the campaign (as in virtual mode); the backend's answer
// supplies the image's URL and digest, and the transfer itself is real: bytes held are the
// bytes received, a completed image is verified against its SHA-256.
import { FLAG } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { interruptDownload, scheduleCheck } from '../device/ota.js';
import { failAttempt } from '../device/ota-install.js';
import type { TypeParams } from '../device/params.js';
import { bandwidth } from '../device/radio.js';
import { C, OS } from '../metrics/catalog.js';
import { DownloadCursor, OtaHttpClient } from '../transports/http/index.js';
import type {
  CheckinResult,
  DownloadResult,
  FirmwareOfferBody,
  HttpTransportOptions,
} from '../transports/http/index.js';
import type { LiveContext } from './context.js';

/** Real time a device waits for a check-in answer (the HTTP client's own timeouts come first). */
const CHECKIN_DEADLINE_REAL_US = 60e6;

interface Transfer {
  ctl: AbortController;
  cursor: DownloadCursor;
}

export class LiveHttp {
  readonly client: OtaHttpClient;
  private offer: FirmwareOfferBody | null = null;
  private readonly transfers = new Map<number, Transfer>();
  private readonly cursors = new Map<number, DownloadCursor>();

  constructor(
    private readonly ctx: LiveContext,
    baseUrl: string,
    private readonly versions: readonly string[],
    /** `--resolve` map, `target.limits` limiter and connection cap. */
    transport: Omit<HttpTransportOptions, 'baseUrl' | 'clock'> = {},
  ) {
    this.client = new OtaHttpClient({ ...transport, baseUrl, clock: () => ctx.clock.realNow() });
  }

  checkin(sh: Shard, d: number, t: number, tp: TypeParams): boolean {
    this.ctx.recordLag(t);
    const id = this.ctx.idOf(sh, d);
    sh.a.otaDue[d] = t + CHECKIN_DEADLINE_REAL_US * this.ctx.clock.speed;
    const version = this.versions[sh.a.fw[d] as number] ?? 'unknown';
    const asked = this.client.checkIn(
      `${this.ctx.runTag}-${sh.globalId(d)}`,
      tp.name,
      version,
      this.ctx.clock.realOf(t),
    );
    void asked.then((res) => this.answered(id, res));
    return true;
  }

  private answered(id: number, res: CheckinResult): void {
    if (this.ctx.closing) return;
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    if (sh.a.ota[d] !== OS.checking) return; // the device moved on (deadline, power cut)
    const at = this.ctx.answerAt();
    if (!res.ok) {
      sh.rec.add(C.http_checkin_failed_total);
      sh.setOta(d, OS.idle);
      scheduleCheck(sh, d, at, this.ctx.typeOf(sh, d), false);
    } else {
      if (res.offer) this.offer = res.offer;
      sh.a.reqAt[d] = at - res.latencyUs; // check-in latency in real µs
      sh.a.otaDue[d] = at;
    }
    sh.reschedule(d);
  }

  downloadStart(sh: Shard, d: number, t: number, tp: TypeParams): number {
    this.ctx.recordLag(t);
    const offer = this.offer;
    const plan = sh.st.rollout;
    if (!plan || !offer) return -1;
    const id = this.ctx.idOf(sh, d);
    const a = sh.a;
    const from = a.dlBytes[d] as number;
    a.dlSegAt[d] = t;
    if (from >= offer.sizeBytes) return t; // the whole image is already here
    let cursor = from > 0 ? this.cursors.get(id) : undefined;
    if (cursor === undefined || cursor.offset !== from) {
      cursor = new DownloadCursor();
      if (from > 0) {
        cursor.offset = from;
        cursor.hashable = false;
      }
      this.cursors.set(id, cursor);
    }
    const ctl = new AbortController();
    const transfer: Transfer = { ctl, cursor };
    this.transfers.set(id, transfer);
    const opts = {
      cursor,
      expectedSha256: offer.sha256,
      expectedBytes: offer.sizeBytes,
      signal: ctl.signal,
      intendedUs: this.ctx.clock.realOf(t),
    };
    void this.client.downloadFirmware(offer.url, opts).then((res) => this.finished(id, transfer, res));
    // A deadline for the modelled radio (during-download faults are drawn within it); the real
    // transfer normally ends first and brings the event forward.
    const bps = Math.max(1, bandwidth(sh, d, tp));
    return t + 2 * ((offer.sizeBytes - from) / bps) * 1e6 + 10e6;
  }

  private finished(id: number, transfer: Transfer, res: DownloadResult): void {
    if (this.ctx.closing || this.transfers.get(id) !== transfer) return; // stopped by the device
    this.transfers.delete(id);
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    const at = this.ctx.answerAt();
    if (sh.a.ota[d] !== OS.downloading) return;
    if (res.ok) {
      if (res.verified === false) sh.a.flags[d] = (sh.a.flags[d] as number) | FLAG.corrupt;
      sh.a.otaDue[d] = at;
    } else {
      interruptDownload(sh, d, at);
      failAttempt(sh, d, at, this.ctx.typeOf(sh, d), C['ota_failed_total{reason="download"}'], at);
    }
    sh.reschedule(d);
  }

  downloadStop(sh: Shard, d: number): number {
    const id = this.ctx.idOf(sh, d);
    const transfer = this.transfers.get(id);
    if (transfer) {
      this.transfers.delete(id);
      transfer.ctl.abort();
    }
    const size = this.offer?.sizeBytes ?? 0;
    const held = this.cursors.get(id)?.offset ?? (sh.a.dlBytes[d] as number);
    if (held >= size) this.cursors.delete(id);
    return Math.min(size, held);
  }

  async close(): Promise<void> {
    for (const t of this.transfers.values()) t.ctl.abort();
    this.transfers.clear();
    await this.client.close();
  }
}
