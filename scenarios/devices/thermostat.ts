// A thermostat's own firmware logic, run by fleetstorm as the device's program
// (`program: ./devices/thermostat.ts` in scenarios/programmed-thermostat.yaml). It reads the room
// temperature every minute, switches the heating around a setpoint with 0.5 °C of hysteresis,
// and publishes one batch (average, min, max) every 15 minutes. Offline, it keeps up to 8
// batches in RAM and sends them on reconnect. The operator's `set-setpoint` command changes the
// setpoint, which is kept in flash so it survives a power loss.
import { defineDevice, type Device } from 'fleetstorm/program';

const MINUTE_MS = 60_000;
const BATCH_MS = 15 * MINUTE_MS;
const MAX_BACKLOG = 8;
const HYSTERESIS_C = 0.5;

/** One telemetry message: the readings of a batch period (its tests read them back as this). */
export interface Batch {
  at: number;
  avg: number;
  min: number;
  max: number;
  heating: boolean;
  setpoint: number;
}

interface Thermostat {
  setpointC: number;
  heating: boolean;
  readings: number[];
  /** Batches not yet sent (the device was offline when they were due). */
  backlog: Batch[];
}

type Dev = Device<Thermostat>;

const round1 = (v: number): number => Math.round(v * 10) / 10;

function read(dev: Dev): void {
  const t = dev.sensor('temperature');
  const s = dev.state;
  s.readings.push(t);
  if (t < s.setpointC - HYSTERESIS_C) s.heating = true;
  else if (t > s.setpointC + HYSTERESIS_C) s.heating = false;
}

function flush(dev: Dev): void {
  const topic = `devices/${dev.id}/telemetry`;
  for (const b of dev.state.backlog) dev.publish(topic, { ...b }, { qos: 1 });
  dev.state.backlog = [];
}

function report(dev: Dev): void {
  const r = dev.state.readings;
  if (r.length === 0) return;
  let sum = 0;
  for (const x of r) sum += x;
  const batch: Batch = {
    at: Date.now(),
    avg: round1(sum / r.length),
    min: Math.min(...r),
    max: Math.max(...r),
    heating: dev.state.heating,
    setpoint: dev.state.setpointC,
  };
  dev.state.readings = [];
  dev.state.backlog.push(batch);
  if (dev.state.backlog.length > MAX_BACKLOG) dev.state.backlog.shift();
  if (dev.connected) flush(dev);
}

export default defineDevice<Thermostat>({
  // the program's batches are the device's telemetry, not the type's built-in streams
  telemetry: false,
  sensors: { temperature: { walk: { start: 20.5, step: 0.3, min: 15, max: 26, decimals: 1 } } },
  state: () => ({ setpointC: 21, heating: false, readings: [], backlog: [] }),

  boot(dev) {
    dev.state.setpointC = dev.flash.get<number>('setpointC') ?? 21;
    setInterval(() => read(dev), MINUTE_MS);
    setInterval(() => report(dev), BATCH_MS);
  },

  connected(dev) {
    if (dev.state.backlog.length > 0) flush(dev);
  },

  command(dev, name, args) {
    if (name !== 'set-setpoint') return;
    const value = args.value;
    if (typeof value !== 'number' || value < 5 || value > 30) {
      dev.log('warn', `set-setpoint: ignored ${JSON.stringify(value)} (expected 5..30 °C)`);
      return false;
    }
    dev.state.setpointC = value;
    if (dev.flash.get<number>('setpointC') !== value) dev.flash.set('setpointC', value);
    dev.log('info', `setpoint ${value} °C`);
  },
});
