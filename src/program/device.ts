// The device object a program's hooks receive: one small object per programmed device, created at
// its first boot (six fields: the host, its shard index, `state`, the pending action, whether the
// program is off, and its extras). Everything it says about the device is read from the shard's
// typed arrays when asked (index, type, firmware, connected, battery); what only some devices
// ever have (subscriptions, log lines, a written flash, a sleep's length) sits in one extras
// object made on first use. Its timers are rows of the shard's timer table (timers.ts).
import { CS } from '../metrics/catalog.js';
import type { Battery, Device, Duration, LogLevel, Payload, PublishOptions } from './api.js';
import { DeviceFlash, FlashStore, type FlashOwner } from './flash.js';
import type { ProgramHost } from './host.js';

/** Deferred actions: they run right after the callback that asked for them. */
export const ACTION = { none: 0, reboot: 1, sleep: 2 } as const;

/** Log lines kept per device for its outcome trail. */
export const LOG_LINES = 8;

/** What few devices have, kept off the device object until first used. */
export class DeviceExtras {
  subs: string[] | null = null;
  logs: { atUs: number; event: string }[] | null = null;
  flash: FlashStore | null = null;
  sleepUs = 0;
}

export class ProgramDevice implements Device<Record<string, unknown>>, FlashOwner {
  state: Record<string, unknown> = {};
  action: number = ACTION.none;
  /** The program was switched off (runaway): built-ins go on without it. */
  off = false;
  x: DeviceExtras | null = null;

  constructor(
    private readonly host: ProgramHost,
    /** Local index in the shard. */
    readonly d: number,
  ) {}

  /** The extras, made on first use. */
  extras(): DeviceExtras {
    return (this.x ??= new DeviceExtras());
  }

  get index(): number {
    return this.host.sh.globalId(this.d);
  }

  get typeIndex(): number {
    return this.host.sh.a.type[this.d] as number;
  }

  get id(): string {
    return `${this.type}-${this.index}`;
  }

  get type(): string {
    return this.host.typeName(this.typeIndex);
  }

  get firmware(): string {
    return this.host.firmwareOf(this.d);
  }

  get connected(): boolean {
    return this.host.sh.a.conn[this.d] === CS.connected;
  }

  get flash(): DeviceFlash {
    return new DeviceFlash(this);
  }

  flashStore(create: boolean): FlashStore | null {
    if (!create) return this.x?.flash ?? null;
    const x = this.extras();
    return (x.flash ??= new FlashStore());
  }

  flashWrote(): void {
    this.host.flashWrote();
  }

  get battery(): Battery {
    return this.host.batteryOf(this.d);
  }

  publish(topic: string, payload: Payload, opts?: PublishOptions): void {
    this.host.publish(this, topic, payload, opts);
  }

  subscribe(topicFilter: string): void {
    this.host.subscribe(this, topicFilter);
  }

  sensor(name: string): number {
    return this.host.sensor(this, name);
  }

  reboot(): void {
    this.action = ACTION.reboot;
    this.host.soon(this);
  }

  sleep(duration: Duration): void {
    if (this.action === ACTION.reboot) return;
    this.action = ACTION.sleep;
    this.extras().sleepUs = this.host.durationUs(duration);
    this.host.soon(this);
  }

  log(level: LogLevel, message: string): void {
    this.host.log(this, level, message);
  }

  random(): number {
    return this.host.random(this.d);
  }

  now(): number {
    return this.host.nowUs / 1000;
  }

  /** RAM is lost (reboot, power loss): state and subscriptions (the host clears the timers). */
  loseRam(): void {
    this.state = {};
    if (this.x !== null) this.x.subs = null;
    this.action = ACTION.none;
  }
}
