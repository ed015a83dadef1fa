// The resolved scenario inside a report.json is untrusted input too: `report render` draws it
// and `replay` runs it. This checks the fields renderers and engines rely on, so a hand-edited
// or corrupted report fails with one line naming the field instead of a stack trace or a
// nonsense run (a negative duration, an empty fleet).
import { isCohortBy } from '../cohorts/stats.js';
import { DURING_STATES, FAULT_TYPES, MODES, WHO_STATES } from '../scenario/types.js';
import type { Checker } from './read-report.js';

type Obj = Record<string, unknown>;

function positiveInt(c: Checker, v: unknown, path: string): void {
  c.num(v, path);
  if (!Number.isSafeInteger(v) || (v as number) <= 0) c.fail(path, 'a whole number above 0', v);
}

function nonNegative(c: Checker, v: unknown, path: string): void {
  c.num(v, path);
  if ((v as number) < 0) c.fail(path, 'a number >= 0', v);
}

function checkFleet(c: Checker, s: Obj): void {
  const fleet = c.arr(s.fleet, 'scenario.fleet');
  if (fleet.length === 0) c.fail('scenario.fleet', 'a non-empty list of device groups', 'an empty list');
  fleet.forEach((g, i) => {
    const o = c.obj(g, `scenario.fleet[${i}]`);
    c.str(o.device, `scenario.fleet[${i}].device`);
    positiveInt(c, o.count, `scenario.fleet[${i}].count`);
    checkGroupExtras(c, o, `scenario.fleet[${i}]`);
  });
}

/** A fleet group's firmware, tags (cohort names), own power-on and time zones; newer reports only. */
function checkGroupExtras(c: Checker, o: Obj, path: string): void {
  if (o.firmware !== undefined) c.str(o.firmware, `${path}.firmware`, true);
  if (o.tags !== undefined && o.tags !== null) c.record(o.tags, `${path}.tags`, (v, p) => c.str(v, p));
  if (o.powerOn !== undefined && o.powerOn !== null) {
    const power = c.obj(o.powerOn, `${path}.powerOn`);
    nonNegative(c, power.startUs, `${path}.powerOn.startUs`);
    nonNegative(c, power.spreadUs, `${path}.powerOn.spreadUs`);
  }
  if (o.timezoneOffsetsUs !== undefined && o.timezoneOffsetsUs !== null)
    c.numbers(o.timezoneOffsetsUs, `${path}.timezoneOffsetsUs`);
}

/** `compare:` and `firmware-versions` (cohorts side by side); absent in older reports. */
function checkCohortConfig(c: Checker, s: Obj): void {
  if (s.compare !== undefined)
    c.arr(s.compare, 'scenario.compare').forEach((v, i) => {
      const o = c.obj(v, `scenario.compare[${i}]`);
      if (typeof o.by !== 'string' || !isCohortBy(o.by))
        c.fail(`scenario.compare[${i}].by`, 'one of firmware, device-type, site, tag:<name>', o.by);
      c.str(o.baseline, `scenario.compare[${i}].baseline`, true);
    });
  if (s.firmwareVersions !== undefined)
    c.record(s.firmwareVersions, 'scenario.firmwareVersions', (v, path) => {
      const factor = c.obj(v, path).drainFactor;
      c.num(factor, `${path}.drainFactor`);
      if ((factor as number) <= 0) c.fail(`${path}.drainFactor`, 'a number above 0', factor);
    });
}

/** What `replay` needs beyond what renderers read: every fleet group's device type is there. */
export function checkReplayable(c: Checker, s: Obj): void {
  const types = c.obj(s.deviceTypes, 'scenario.deviceTypes');
  c.arr(s.fleet, 'scenario.fleet').forEach((g, i) => {
    const device = (g as Obj).device as string;
    if (!Object.hasOwn(types, device))
      c.fail(`scenario.fleet[${i}].device`, 'a device type of scenario.deviceTypes', device);
    c.obj(types[device], `scenario.deviceTypes["${device}"]`);
  });
}

function checkFaults(c: Checker, s: Obj): void {
  c.arr(s.faults, 'scenario.faults').forEach((f, i) => {
    const o = c.obj(f, `scenario.faults[${i}]`);
    c.str(o.id, `scenario.faults[${i}].id`);
    c.oneOf(o.type, `scenario.faults[${i}].type`, FAULT_TYPES);
    if (o.during !== null) c.oneOf(o.during, `scenario.faults[${i}].during`, DURING_STATES);
    if (o.when !== undefined) c.str(o.when, `scenario.faults[${i}].when`, true); // older reports: none
    const who = c.obj(o.who, `scenario.faults[${i}].who`);
    if (who.states !== undefined && who.states !== null)
      c.arr(who.states, `scenario.faults[${i}].who.states`).forEach((st, k) =>
        c.oneOf(st, `scenario.faults[${i}].who.states[${k}]`, WHO_STATES),
      );
    c.obj(o.durationUs, `scenario.faults[${i}].durationUs`);
  });
}

function checkRollout(c: Checker, s: Obj): void {
  if (s.rollout === null) return;
  const r = c.obj(s.rollout, 'scenario.rollout');
  c.arr(r.waves, 'scenario.rollout.waves').forEach((w, i) => {
    const o = c.obj(w, `scenario.rollout.waves[${i}]`);
    c.num(o.ratio, `scenario.rollout.waves[${i}].ratio`, true);
    c.num(o.count, `scenario.rollout.waves[${i}].count`, true);
  });
  const fw = c.obj(r.firmware, 'scenario.rollout.firmware');
  c.str(fw.version, 'scenario.rollout.firmware.version');
  nonNegative(c, fw.sizeBytes, 'scenario.rollout.firmware.sizeBytes');
  checkRolloutPlan(c, r);
}

/** When and to whom the rollout goes: the run's warnings and the campaign read these. */
function checkRolloutPlan(c: Checker, r: Obj): void {
  const path = 'scenario.rollout';
  nonNegative(c, r.startUs, `${path}.startUs`);
  c.num(r.waveIntervalUs, `${path}.waveIntervalUs`, true);
  c.num(r.waveWhenDoneRatio, `${path}.waveWhenDoneRatio`, true);
  c.oneOf(r.kind, `${path}.kind`, ['update', 'rollback']);
  const sel = c.obj(r.selector, `${path}.selector`);
  for (const k of ['deviceTypes', 'fromVersions'] as const)
    if (sel[k] !== null)
      c.arr(sel[k], `${path}.selector.${k}`).forEach((v, i) => c.str(v, `${path}.selector.${k}[${i}]`));
  nonNegative(c, sel.ratio, `${path}.selector.ratio`);
  if (r.failureLimit !== null) {
    const limit = c.obj(r.failureLimit, `${path}.failureLimit`);
    nonNegative(c, limit.ratio, `${path}.failureLimit.ratio`);
    c.oneOf(limit.action, `${path}.failureLimit.action`, ['pause', 'abort']);
  }
  if (r.installWindow !== undefined && r.installWindow !== null) {
    const w = c.obj(r.installWindow, `${path}.installWindow`);
    nonNegative(c, w.startUs, `${path}.installWindow.startUs`);
    nonNegative(c, w.endUs, `${path}.installWindow.endUs`);
  }
}

function checkShard(c: Checker, v: unknown): void {
  if (v === null) return;
  const o = c.obj(v, 'scenario.shard');
  positiveInt(c, o.count, 'scenario.shard.count');
  c.num(o.index, 'scenario.shard.index');
  const index = o.index as number;
  if (!Number.isInteger(index) || index < 0 || index >= (o.count as number))
    c.fail('scenario.shard.index', 'a whole number below scenario.shard.count', index);
}

/** A device type's `commands` (absent in older reports, null without commands). */
function checkCommands(c: Checker, v: unknown, path: string): void {
  if (v === undefined || v === null) return;
  const o = c.obj(v, path);
  c.str(o.topic, `${path}.topic`);
  c.str(o.replyTopic, `${path}.replyTopic`);
  const delay = c.obj(o.replyDelayUs, `${path}.replyDelayUs`);
  nonNegative(c, delay.min, `${path}.replyDelayUs.min`);
  nonNegative(c, delay.max, `${path}.replyDelayUs.max`);
  nonNegative(c, o.failureRatio, `${path}.failureRatio`);
  c.obj(o.actions, `${path}.actions`);
}

function checkSites(c: Checker, v: unknown): void {
  if (v === undefined || v === null) return; // older reports: none
  const o = c.obj(v, 'scenario.sites');
  c.num(o.count, 'scenario.sites.count', true);
  if (o.perSite !== null) {
    const per = c.obj(o.perSite, 'scenario.sites.perSite');
    positiveInt(c, per.min, 'scenario.sites.perSite.min');
    positiveInt(c, per.max, 'scenario.sites.perSite.max');
  } else positiveInt(c, o.count, 'scenario.sites.count');
  const link = c.obj(o.link, 'scenario.sites.link');
  c.num(link.bandwidthBytesPerSec, 'scenario.sites.link.bandwidthBytesPerSec', true);
  nonNegative(c, link.latencyUs, 'scenario.sites.link.latencyUs');
  nonNegative(c, link.lossRatio, 'scenario.sites.link.lossRatio');
  c.bool(o.gateway, 'scenario.sites.gateway');
}

function checkOperations(c: Checker, v: unknown): void {
  if (v === undefined) return; // older reports: none
  c.arr(v, 'scenario.operations').forEach((op, i) => {
    const path = `scenario.operations[${i}]`;
    const o = c.obj(op, path);
    c.str(o.id, `${path}.id`);
    c.str(o.name, `${path}.name`);
    nonNegative(c, o.atUs, `${path}.atUs`);
    c.str(c.obj(o.command, `${path}.command`).name, `${path}.command.name`);
    c.obj(o.who, `${path}.who`);
    c.num(o.ratePerSec, `${path}.ratePerSec`);
    nonNegative(c, o.timeoutUs, `${path}.timeoutUs`);
  });
}

/** Checks the resolved scenario a report carries (see the file comment). */
export function checkScenarioShape(c: Checker, s: Obj): void {
  c.str(s.name, 'scenario.name');
  c.str(s.sourcePath, 'scenario.sourcePath', true);
  c.str(s.description, 'scenario.description');
  c.oneOf(s.mode, 'scenario.mode', MODES);
  positiveInt(c, s.durationUs, 'scenario.durationUs');
  positiveInt(c, s.intervalUs, 'scenario.intervalUs');
  c.num(s.seed, 'scenario.seed');
  const power = c.obj(s.powerOn, 'scenario.powerOn');
  nonNegative(c, power.startUs, 'scenario.powerOn.startUs');
  nonNegative(c, power.spreadUs, 'scenario.powerOn.spreadUs');
  checkFleet(c, s);
  // upgradeReport fills newer fields into each device type's connectivity: they must be objects.
  c.record(s.deviceTypes, 'scenario.deviceTypes', (t, path) => {
    const type = c.obj(t, path);
    c.obj(type.connectivity, `${path}.connectivity`);
    checkCommands(c, type.commands, `${path}.commands`);
  });
  checkFaults(c, s);
  checkRollout(c, s);
  checkSites(c, s.sites);
  checkOperations(c, s.operations);
  checkCohortConfig(c, s);
  if (s.shard === undefined) c.fail('scenario.shard', 'null or { index, count }', undefined);
  checkShard(c, s.shard);
  c.arr(s.thresholds, 'scenario.thresholds').forEach((t, i) => {
    const o = c.obj(t, `scenario.thresholds[${i}]`);
    c.str(o.expr, `scenario.thresholds[${i}].expr`);
  });
  if (s.scaledFrom !== undefined && s.scaledFrom !== null) {
    const o = c.obj(s.scaledFrom, 'scenario.scaledFrom');
    positiveInt(c, o.devices, 'scenario.scaledFrom.devices');
  }
}
