// Who each device says it is on CONNECT: client id, username and password per device type,
// filled from device facts at each connect. Built once per live run; the secrets it reads stay in
// this object (and in the redactor's memory), never in the scenario or the report. A generated
// token is kept per device until shortly before it expires, as a device keeps its token; token
// lifetimes run in real (wall-clock) time, because the broker checks them against its clock.
import type { DeviceType } from '../scenario/types.js';
import { rememberSecret } from '../secrets/redact.js';
import type { SecretSources } from '../secrets/refs.js';
import { passwordMaker, type PasswordMaker } from './password.js';
import { compileTemplate, type DeviceFacts, type DeviceTemplate } from './template.js';

interface TypeIdentity {
  name: string;
  clientId: DeviceTemplate;
  username: DeviceTemplate | null;
  password: PasswordMaker | null;
}

/** Credentials in a target URL (`mqtt://user:pw@host`), used when the device type gives none. */
export interface UrlCredentials {
  username?: string;
  password?: string;
}

export interface ConnectIdentity {
  clientId: string;
  username?: string;
  password?: string;
}

export interface FleetIdentityOptions {
  /** Device types in type-index order. */
  types: readonly DeviceType[];
  runTag: string;
  /** The `--shard` index (0 without --shard). */
  shardIndex: number;
  /** Connection ids in this process. */
  devices: number;
  targets: readonly string[];
  sources: SecretSources;
}

export function urlCredentials(url: string): UrlCredentials {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return {};
  }
  const out: UrlCredentials = {};
  if (u.username !== '') out.username = decodeURIComponent(u.username);
  if (u.password !== '') {
    out.password = decodeURIComponent(u.password);
    rememberSecret(out.password);
    rememberSecret(u.password);
  }
  return out;
}

function compileType(t: DeviceType, src: SecretSources): TypeIdentity {
  const id = t.connectivity.identity;
  const where = `device-types.${t.name}.connectivity`;
  const p = id.password;
  const constants: Record<string, string> = p?.kind === 'sas' ? { hub: p.hub } : {};
  return {
    name: t.name,
    clientId: compileTemplate(id.clientId, `${where}.client-id`, { constants }),
    username: id.username === null ? null : compileTemplate(id.username, `${where}.username`, { constants }),
    password: p === null ? null : passwordMaker(p, `${where}.password`, src),
  };
}

export class FleetIdentity {
  private readonly types: TypeIdentity[];
  private readonly urls: UrlCredentials[];
  private readonly seq: Uint32Array;
  private readonly tokens: (string | undefined)[];
  /** Wall-clock ms from which each device's token is renewed (Infinity: no token). */
  readonly renewAtMs: Float64Array;
  private readonly facts: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: '', seq: 0 };

  constructor(private readonly o: FleetIdentityOptions) {
    this.types = o.types.map((t) => compileType(t, o.sources));
    this.urls = o.targets.map(urlCredentials);
    this.seq = new Uint32Array(o.devices);
    this.tokens = new Array<string | undefined>(o.devices);
    this.renewAtMs = new Float64Array(o.devices).fill(Infinity);
  }

  /** How often to look for tokens to renew (ms); null when no password expires. */
  get renewCheckMs(): number | null {
    const lives = this.types.flatMap((t) =>
      t.password !== null && Number.isFinite(t.password.lifetimeMs) ? [t.password.lifetimeMs] : [],
    );
    return lives.length === 0 ? null : Math.min(1000, ...lives.map((ms) => ms / 10));
  }

  /** The device facts of the last `forConnect` (birth and will templates are filled from them). */
  get lastFacts(): Readonly<DeviceFacts> {
    return this.facts;
  }

  /** The CONNECT fields of connection `id` (global index `index`) at wall-clock `nowMs`. */
  forConnect(id: number, index: number, typeIndex: number, target: number, nowMs: number): ConnectIdentity {
    const t = this.types[typeIndex] as TypeIdentity;
    const f = this.facts;
    f.index = index;
    f.type = t.name;
    f.id = `${t.name}-${index}`;
    f.shard = this.o.shardIndex;
    f.run = this.o.runTag;
    const seq = (this.seq[id] as number) + 1;
    this.seq[id] = seq;
    f.seq = seq;
    const url = this.urls[target] ?? {};
    const out: ConnectIdentity = { clientId: t.clientId(f) };
    const username = t.username?.(f) ?? url.username;
    if (username !== undefined) out.username = username;
    const password = t.password === null ? url.password : this.password(id, t.password, nowMs);
    if (password !== undefined) {
      out.password = password;
      out.username ??= ''; // 3.1.1 has no password without a username [MQTT-3.1.2-22]
    }
    return out;
  }

  /**
   * Makes the password of every device whose type's password differs per device, so a missing
   * per-device file (`${file:passwords/{id}.txt}`) fails before the run, naming the file.
   */
  checkDevices(groups: readonly { type: number; start: number; count: number }[]): void {
    for (const g of groups) {
      const t = this.types[g.type];
      if (t?.password?.perDevice !== true) continue;
      for (let index = g.start; index < g.start + g.count; index++) {
        const f: DeviceFacts = {
          index,
          type: t.name,
          id: `${t.name}-${index}`,
          shard: this.o.shardIndex,
          run: '',
          seq: 0,
        };
        t.password.make(f, 0);
      }
    }
  }

  /**
   * The end-to-end subscriber's login on broker `target`: the URL's credentials, or else those of
   * the fleet's device 0 (a broker with per-device topic rights may then refuse its subscription).
   */
  forSubscriber(target: number, nowMs: number): Omit<ConnectIdentity, 'clientId'> {
    const url = this.urls[target] ?? {};
    if (url.username !== undefined || url.password !== undefined) return url;
    const t = this.types[0];
    if (t === undefined) return {};
    const f: DeviceFacts = {
      index: 0,
      type: t.name,
      id: `${t.name}-0`,
      shard: this.o.shardIndex,
      run: this.o.runTag,
      seq: 1,
    };
    const out: Omit<ConnectIdentity, 'clientId'> = {};
    const username = t.username?.(f);
    if (username !== undefined) out.username = username;
    if (t.password !== null) {
      out.password = t.password.make(f, nowMs);
      out.username ??= '';
    }
    return out;
  }

  private password(id: number, p: PasswordMaker, nowMs: number): string {
    if (!Number.isFinite(p.lifetimeMs)) return p.make(this.facts, nowMs);
    const cached = this.tokens[id];
    if (cached !== undefined && nowMs < (this.renewAtMs[id] as number)) return cached;
    const token = p.make(this.facts, nowMs);
    this.tokens[id] = token;
    // Renewed while a fifth of its life (at most a minute) is left, so never presented expired.
    const expMs = (Math.floor(nowMs / 1000) + Math.max(1, Math.floor(p.lifetimeMs / 1000))) * 1000;
    this.renewAtMs[id] = expMs - Math.min(60_000, p.lifetimeMs / 5);
    return token;
  }
}
