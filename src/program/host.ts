// One shard's device programs: the hooks the built-in state machine calls, the program timers in
// virtual time, and the device API's effects. A programmed device is an ordinary device of the
// shard (typed arrays, one calendar-queue node) plus a small object created at its first boot;
// the earliest of its timers sits in `due[d]`, which Shard.reschedule takes into account.
import { enterVirtual, leaveVirtual, withRealTime, type VirtualTime } from '../clock/virtual-globals.js';
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { C, CS } from '../metrics/catalog.js';
import { deviceStreamSeed, nextFloat } from '../random/rng.js';
import type {
  Battery,
  DisconnectReason,
  Duration,
  JsonValue,
  LogLevel,
  OtaOffer,
  Payload,
  PublishOptions,
} from './api.js';
import { threadBudget, type Budget } from './budget.js';
import { ACTION, LOG_LINES, ProgramDevice } from './device.js';
import { FailureLog } from './failures.js';
import type { LoadedProgram } from './load.js';
import { ShardSensors } from './sensors.js';
import { TimerTable, VTimer, delayUs, handleSeq } from './timers.js';
import { SubscriptionTable } from './topics.js';
import { runAction, devicePublish, durationUs, powerMah } from './effects.js';
import { disconnectReason } from './reasons.js';

const PROGRAM_STREAM_KEY = 0x9e0c4a11;
type Fn = (...args: unknown[]) => unknown;

export interface HostOptions {
  seed: number;
  /** Firmware versions by index (src/device/params.ts versionTable). */
  versions: readonly string[];
  /** Virtual wall clock at virtual time 0 (ms since the epoch). */
  epochMs: number;
  /** Virtual mode: publishes reach subscribers of the same shard through the host. */
  localDelivery: boolean;
}

export class ProgramHost {
  readonly due: Float64Array;
  nowUs = 0;
  private readonly rng: Uint32Array;
  private readonly sensors: (ShardSensors | null)[];
  private readonly budget: Budget = threadBudget();
  private current: ProgramDevice | null = null;
  private readonly vt: VirtualTime;
  readonly subs = new SubscriptionTable();
  readonly failures: FailureLog;
  private readonly matched: number[] = [];
  private readonly timers: TimerTable;

  constructor(
    readonly sh: Shard,
    /** By device-type index: the type's program, or null. */
    readonly programs: readonly (LoadedProgram | null)[],
    readonly opts: HostOptions,
  ) {
    const n = sh.st.size;
    this.due = new Float64Array(n).fill(Infinity);
    this.rng = new Uint32Array(n);
    this.timers = new TimerTable(n);
    this.sensors = programs.map((p) =>
      p && p.sensors.draws.length > 0 ? new ShardSensors(n, p.sensors, opts.seed) : null,
    );
    this.failures = new FailureLog(sh, (stack) => {
      let out = stack;
      for (const p of programs)
        if (p) out = out.split(p.moduleUrl).join(p.source).split(p.modulePath).join(p.source);
      return out;
    });
    this.vt = {
      setTimeout: (fn, ms, ...args) => this.addTimer(fn, delayUs(ms), false, args),
      setInterval: (fn, ms, ...args) => this.addTimer(fn, delayUs(ms), true, args),
      clearTimeout: (h) => this.clearTimer(h),
      clearInterval: (h) => this.clearTimer(h),
      dateNow: () => this.opts.epochMs + Math.floor(this.nowUs / 1000),
      perfNow: () => this.nowUs / 1000,
    };
  }

  /** The device's object once made (it sits in the timer table's row: fire reads both). */
  private devOf(d: number): ProgramDevice | undefined {
    return this.timers.owner(d) as ProgramDevice | undefined;
  }

  /** The device's object if its type has a program that is still on. */
  private dev(d: number): ProgramDevice | null {
    const dev = this.devOf(d);
    if (dev) return dev.off ? null : dev;
    const type = this.sh.a.type[d] as number;
    if (!this.programs[type]) return null;
    const created = new ProgramDevice(this, d);
    this.timers.setOwner(d, created);
    this.rng[d] = deviceStreamSeed(this.opts.seed, this.sh.globalId(d), PROGRAM_STREAM_KEY);
    return created;
  }

  /** Runs one callback of `dev` in virtual time under the budget; a throw is a counted failure. */
  call(dev: ProgramDevice, label: string, fn: Fn, args: readonly unknown[] | undefined): unknown {
    const prev = this.current;
    this.current = dev;
    this.sh.rec.add(C.program_callbacks_total);
    enterVirtual(this.vt);
    this.budget.start((this.programs[dev.typeIndex] as LoadedProgram).budgetMs);
    try {
      return args === undefined ? fn() : fn(...args);
    } catch (err) {
      if (this.failures.failed(dev, label, err, this.nowUs)) this.switchOff(dev);
      return undefined;
    } finally {
      if (prev === null) this.budget.stop();
      leaveVirtual();
      this.current = prev;
    }
  }

  private hook(d: number, name: keyof LoadedProgram['def'], ...rest: unknown[]): unknown {
    const dev = this.dev(d);
    if (!dev) return undefined;
    const fn = (this.programs[dev.typeIndex] as LoadedProgram).def[name];
    if (typeof fn !== 'function') return undefined;
    return this.call(dev, String(name), fn as Fn, [dev, ...rest]);
  }

  // ---- hooks called by the built-in state machine (src/device) ----

  boot(d: number): void {
    const dev = this.dev(d);
    if (!dev) return;
    this.loseRam(dev);
    const make = (this.programs[dev.typeIndex] as LoadedProgram).def.state;
    if (typeof make === 'function') {
      const s = this.call(dev, 'state', make as Fn, undefined);
      dev.state = typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
    }
    this.hook(d, 'boot');
    this.settle(dev);
  }

  connected(d: number): void {
    this.hook(d, 'connected');
  }

  disconnected(d: number, reason: DisconnectReason): void {
    this.hook(d, 'disconnected', reason);
  }

  /** The built-in machine lost the device's session (loseLink); a power cut has its own hook. */
  linkLost(d: number, counter: number): void {
    const reason = disconnectReason(counter);
    if (reason !== null) this.disconnected(d, reason);
  }

  /** Power is cut: the hook runs, then RAM (state, timers, subscriptions) is lost. */
  powerLoss(d: number): void {
    const dev = this.dev(d);
    if (!dev) return;
    this.hook(d, 'powerLoss');
    this.ramLost(d);
  }

  /** RAM is lost without a warning (a reboot, the OTA agent's reboot). */
  ramLost(d: number): void {
    const dev = this.devOf(d);
    if (!dev) return;
    const subs = dev.x?.subs;
    if (subs) this.subs.removeDevice(d, subs);
    this.loseRam(dev);
    this.due[d] = Infinity;
  }

  /** false: the program declined the built-in effect of the command. */
  command(d: number, name: string, args: Record<string, unknown>): boolean {
    return this.hook(d, 'command', name, args as Record<string, JsonValue>) !== false;
  }

  otaOffered(d: number): boolean {
    return this.hook(d, 'otaOffered', this.offerOf(d)) !== false;
  }

  beforeInstall(d: number): boolean {
    return this.hook(d, 'beforeInstall', this.offerOf(d)) !== false;
  }

  private offerOf(d: number): OtaOffer {
    const plan = this.sh.st.rollout;
    return {
      fromVersion: this.firmwareOf(d),
      toVersion: plan ? (this.opts.versions[plan.version] ?? '?') : '?',
      sizeBytes: plan ? plan.sizeBytes : 0,
    };
  }

  afterCommit(d: number): void {
    this.hook(d, 'afterCommit', this.firmwareOf(d));
  }

  /** The device's program-due time came (wake): its deferred action, then its due timers. */
  fire(d: number, t: number): void {
    this.due[d] = Infinity;
    const dev = this.devOf(d);
    if (!dev || dev.off) return;
    this.nowUs = t;
    if (dev.action !== ACTION.none) runAction(this, dev, t);
    const timers = this.timers;
    let k: number;
    while (!dev.off && (k = timers.earliest(d, t)) >= 0) {
      timers.take(d, k);
      this.call(dev, timers.label, timers.fn as Fn, timers.args);
      if (dev.action !== ACTION.none) runAction(this, dev, t);
    }
    this.settle(dev);
  }

  /** The device's next program time (its deferred action now, or its earliest timer). */
  settle(dev: ProgramDevice): void {
    const d = dev.d;
    this.due[d] = dev.off ? Infinity : dev.action !== ACTION.none ? this.nowUs : this.timers.nextDue(d);
  }

  /** A deferred action (reboot, sleep) runs at the device's next wake, right after this callback. */
  soon(dev: ProgramDevice): void {
    this.due[dev.d] = this.nowUs;
  }

  private addTimer(fn: unknown, us: number, repeat: boolean, args: unknown[]): VTimer {
    const dev = this.current;
    if (dev === null)
      throw new Error('program timers can only be set while a hook or timer of the device runs');
    if (typeof fn !== 'function')
      throw new TypeError('setTimeout/setInterval: the callback must be a function');
    const atUs = this.nowUs + us;
    const seq = this.timers.add(dev.d, atUs, repeat ? us : 0, fn as Fn, args.length === 0 ? undefined : args);
    if (atUs < (this.due[dev.d] as number)) this.due[dev.d] = atUs;
    return new VTimer(seq);
  }

  /** clearTimeout / clearInterval: only the calling device's own timers. */
  private clearTimer(handle: unknown): void {
    const dev = this.current;
    if (dev !== null) this.timers.remove(dev.d, handleSeq(handle));
  }

  /** RAM is lost: state, subscriptions' list, the pending action, and the timers. */
  private loseRam(dev: ProgramDevice): void {
    dev.loseRam();
    this.timers.clear(dev.d);
  }

  private switchOff(dev: ProgramDevice): void {
    this.ramLost(dev.d);
    dev.off = true;
  }

  // ---- the device API's effects ----

  publish(dev: ProgramDevice, topic: string, payload: Payload, opts?: PublishOptions): void {
    const bytes = devicePublish(this, dev, topic, payload, opts);
    if (bytes === null || !this.opts.localDelivery || this.subs.size === 0) return;
    for (const d of this.subs.match(topic, this.matched)) {
      const to = this.devOf(d);
      if (!to || to.off || d === dev.d) continue;
      this.deliver(to, topic, bytes);
    }
  }

  /** A message for a subscribed device: its `message` hook runs at its next wake (now). */
  deliver(to: ProgramDevice, topic: string, payload: Uint8Array): void {
    const p = this.programs[to.typeIndex] as LoadedProgram;
    const fn = p.def.message;
    if (typeof fn !== 'function') return;
    this.timers.addMessage(to.d, this.nowUs, fn as Fn, [to, topic, payload]);
    if (this.nowUs < (this.due[to.d] as number)) this.due[to.d] = this.nowUs;
  }

  /** Live: a message for device d from its session (ignored when its program is off). */
  deliverTo(d: number, topic: string, payload: Uint8Array): void {
    const to = this.devOf(d);
    if (to && !to.off) this.deliver(to, topic, payload);
  }

  subscribe(dev: ProgramDevice, filter: string): void {
    (dev.extras().subs ??= []).push(filter);
    if (this.opts.localDelivery) this.subs.add(filter, dev.d);
    else if (this.sh.a.conn[dev.d] === CS.connected)
      withRealTime(this.vt, () => this.sh.port.subscribe?.(this.sh, dev.d, filter));
  }

  /** Live: the device's subscriptions, to renew on a new session. */
  subscriptionsOf(d: number): readonly string[] {
    return this.devOf(d)?.x?.subs ?? [];
  }

  sensor(dev: ProgramDevice, name: string): number {
    const s = this.sensors[dev.typeIndex];
    const p = this.programs[dev.typeIndex] as LoadedProgram;
    if (!s) throw new Error(`unknown sensor '${name}' (declare it in defineDevice({ sensors }))`);
    return s.read(p.sensors, name, dev.d, dev.index, this.nowUs);
  }

  log(dev: ProgramDevice, level: LogLevel, message: string): void {
    const logs = (dev.extras().logs ??= []);
    logs.push({ atUs: Math.round(this.nowUs), event: `log ${level}: ${String(message).slice(0, 200)}` });
    if (logs.length > LOG_LINES) logs.shift();
    if (level === 'error') {
      this.sh.rec.add(C.program_log_errors_total);
      this.failures.logged(dev, String(message), this.nowUs);
    }
  }

  random(d: number): number {
    return nextFloat(this.rng, d);
  }

  flashWrote(): void {
    this.sh.rec.add(C.program_flash_writes_total);
  }

  durationUs(v: Duration): number {
    return durationUs(v);
  }

  typeName(type: number): string {
    return (this.sh.st.types[type] as TypeParams).name;
  }

  firmwareOf(d: number): string {
    return this.opts.versions[this.sh.a.fw[d] as number] ?? '?';
  }

  batteryOf(d: number): Battery {
    const tp = this.sh.st.types[this.sh.a.type[d] as number] as TypeParams;
    if (tp.mainsPowered) return { percent: 100, remainingMah: Infinity, mainsPowered: true };
    const mah = powerMah(this.sh, d, this.nowUs, tp);
    return { percent: (100 * mah) / tp.capacityMah, remainingMah: mah, mainsPowered: false };
  }

  get virtualTime(): VirtualTime {
    return this.vt;
  }
}
