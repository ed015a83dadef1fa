// The download half of the live port: the resumable firmware download over undici, of the
// deployment the update server offered the device (ota-agent-port.ts talks the protocol). The
// transfer is real: bytes held are the bytes received, a completed image is verified against
// the deployment's SHA-256 when the protocol gives one.
import { FLAG } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { interruptDownload } from '../device/ota.js';
import { failAttempt } from '../device/ota-install.js';
import type { TypeParams } from '../device/params.js';
import { bandwidth } from '../device/radio.js';
import { C, OS } from '../metrics/catalog.js';
import { DownloadCursor, OtaHttpClient } from '../transports/http/index.js';
import type { OtaDeployment } from '../ota-protocols/types.js';
import type { DownloadOptions, DownloadResult, HttpTransportOptions } from '../transports/http/index.js';
import type { LiveContext } from './context.js';
import { SitePacer } from '../topology/site-pace.js';
import { siteOfDevice } from '../topology/site-faults.js';

interface Transfer {
  ctl: AbortController;
  cursor: DownloadCursor;
}

export class LiveHttp {
  readonly client: OtaHttpClient;
  private readonly transfers = new Map<number, Transfer>();
  private readonly cursors = new Map<number, DownloadCursor>();
  private pacer: SitePacer | null = null;

  constructor(
    private readonly ctx: LiveContext,
    baseUrl: string,
    /** The deployment the server offered device `id` (its URL, size, digest, headers). */
    private readonly deploymentOf: (id: number) => OtaDeployment | null,
    /** `--resolve` map, `target.limits` limiter and connection cap. */
    transport: Omit<HttpTransportOptions, 'baseUrl' | 'clock'> = {},
  ) {
    this.client = new OtaHttpClient({ ...transport, baseUrl, clock: () => ctx.clock.realNow() });
  }

  downloadStart(sh: Shard, d: number, t: number, tp: TypeParams): number {
    this.ctx.recordLag(t);
    const id = this.ctx.idOf(sh, d);
    const dep = this.deploymentOf(id);
    if (!sh.st.rollout || dep === null) return -1;
    const sizeBytes = dep.sizeBytes ?? sh.st.rollout.sizeBytes;
    const a = sh.a;
    const from = a.dlBytes[d] as number;
    a.dlSegAt[d] = t;
    if (from >= sizeBytes) return t; // the whole image is already here
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
    const opts: DownloadOptions = {
      cursor,
      signal: ctl.signal,
      intendedUs: this.ctx.clock.realOf(t),
    };
    if (dep.sha256 !== null) opts.expectedSha256 = dep.sha256;
    if (dep.sizeBytes !== null) opts.expectedBytes = dep.sizeBytes;
    if (dep.headers !== undefined) opts.headers = dep.headers;
    const pacer = this.sitePacer(sh);
    if (pacer !== null) {
      const site = sh.siteFirst + siteOfDevice(sh, d); // the site's downloads share its link
      opts.pace = (bytes) => pacer.pace(site, bytes);
    }
    void this.client.downloadFirmware(dep.url, opts).then((res) => this.finished(id, transfer, res));
    // A deadline for the modelled radio (during-download faults are drawn within it); the real
    // transfer normally ends first and brings the event forward.
    const bps = Math.max(1, bandwidth(sh, d, tp));
    return t + 2 * ((sizeBytes - from) / bps) * 1e6 + 10e6;
  }

  /** The process's pacer of site links (`sites.link.bandwidth`), made on first use; null: none. */
  private sitePacer(sh: Shard): SitePacer | null {
    const bps = sh.sites?.cfg.link.bandwidthBytesPerSec ?? null;
    if (bps === null || sh.sites === null) return null;
    this.pacer ??= new SitePacer(sh.sites.total, bps);
    return this.pacer;
  }

  private finished(id: number, transfer: Transfer, res: DownloadResult): void {
    if (this.ctx.closing || this.transfers.get(id) !== transfer) return; // stopped by the device
    this.transfers.delete(id);
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    const at = this.ctx.answerAt();
    if (sh.a.ota[d] !== OS.downloading) return;
    this.ctx.rec.add(C['ota_requests_total{endpoint="download"}']);
    if (!res.ok && res.error !== 'aborted')
      this.ctx.rec.add(C['ota_requests_failed_total{endpoint="download"}']);
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
    const size = this.deploymentOf(id)?.sizeBytes ?? sh.st.rollout?.sizeBytes ?? 0;
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
