// The WebAssembly host (src/program/wasm-host.ts): a thermostat written in WAT, assembled here with
// wabt, runs as a device program through the `hal_*` imports on the engine (fleetstorm/testing):
// its timer is hal_sleep in virtual time, its readings come from the sensor stubs, its boot count
// lives in flash across a power loss, a command reaches its exported `command`, and a trap is a
// counted program exception while the device goes on.
import { readFileSync } from 'node:fs';
import { assemble } from '../../helpers/wat.js';
import { describe, expect, it } from 'vitest';
import { wasmDevice } from '../../../src/program/wasm-host.js';
import { simulateDevice } from '../../../src/testing/index.js';

const sensors = { temperature: { normal: { mean: 21, stddev: 0.5, decimals: 1 } } };

function batch(bytes: Uint8Array): { avg: number; readings: number; boots: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { avg: v.getFloat64(0, true), readings: v.getInt32(8, true), boots: v.getInt32(12, true) };
}

describe('a WebAssembly device program', () => {
  it('wakes by hal_sleep in virtual time, reads its sensor, publishes batches and counts boots in flash', async () => {
    const bytes = await assemble(readFileSync('test/fixtures/programs/thermostat.wat', 'utf8'));
    const sim = await simulateDevice(wasmDevice(bytes, { sensors }), {
      hours: 2,
      faults: [{ type: 'power-loss', at: '50m', duration: '1m' }],
      commands: [{ at: '20m', name: 'identify', args: { blink: 3 } }],
    });
    expect(sim.errors).toEqual([]);
    // boot 1: batches at 15, 30 and 45 min; power lost at 50; boot 2 at ~51 min: 15 wakes later
    const batches = sim.published.map((p) => ({
      atMin: Math.round(p.atMs / 60_000),
      topic: p.topic,
      ...batch(p.bytes),
    }));
    expect(batches.map((b) => [b.atMin, b.boots, b.readings])).toEqual([
      [15, 1, 15],
      [30, 1, 15],
      [45, 1, 15],
      [66, 2, 15],
      [81, 2, 15],
      [96, 2, 15],
      [111, 2, 15],
    ]);
    for (const b of batches) {
      expect(b.topic).toBe(`devices/${sim.id}/telemetry`);
      expect(b.avg).toBeGreaterThan(19);
      expect(b.avg).toBeLessThan(23);
    }
    expect(sim.published.every((p) => p.qos === 1 && p.bytes.length === 16)).toBe(true);
    // flash holds the 4-byte little-endian boot count, written once per boot
    expect(Buffer.from(sim.flash.boots as string, 'base64')).toEqual(Buffer.from([2, 0, 0, 0]));
    expect(sim.flashWrites).toBe(2);
    // the command reached the module's export (it logs the name) and was declined (returned 1)
    expect(sim.logs.map((l) => [l.level, l.message])).toEqual([['info', 'identify']]);
    expect(sim.hookCalls('command').map((c) => c.returned)).toEqual([false]);
  });

  it('counts a trap as a program exception and goes on with the next wake', async () => {
    const wat = `(module
      (import "hal" "hal_sleep" (func $sleep (param f64)))
      (import "hal" "hal_publish" (func $publish (param i32 i32 i32 i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "t")
      (global $n (mut i32) (i32.const 0))
      (func (export "boot") (call $sleep (f64.const 60000)))
      (func (export "wake")
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (call $sleep (f64.const 60000))
        (if (i32.eq (global.get $n) (i32.const 3)) (then unreachable))
        (call $publish (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0))))`;
    const sim = await simulateDevice(wasmDevice(await assemble(wat)), { duration: '10m' });
    // wakes at 1..9 minutes; the third traps after setting its next wake
    expect(sim.published.map((p) => p.atMs / 60_000)).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
    expect(sim.counters.program_errors_total).toBe(1);
    expect(sim.errors[0]).toMatchObject({ kind: 'error', hook: 'timer' });
    expect(sim.errors[0]!.stack).toContain('unreachable');
  });

  it('refuses a module without its memory', async () => {
    const bytes = await assemble('(module (func (export "boot")))');
    const sim = await simulateDevice(wasmDevice(bytes), { duration: '5m' });
    expect(sim.errors[0]!.stack).toContain('must export its `memory`');
  });
});
