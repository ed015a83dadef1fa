// The scenario file `fleetstorm init` writes, section by section, each with a comment that says
// what it controls. Keys are the scenario language's kebab-case keys (scenarios/schema.json).
import type { ScaffoldPlan } from './plan.js';

function header(p: ScaffoldPlan): string[] {
  const what =
    p.mode === 'live'
      ? 'over real sockets against the embedded backend'
      : 'in virtual time against a modelled backend';
  return [
    `# ${p.name}: ${p.devices} devices ${what}. Created by \`fleetstorm init\`.`,
    `#   fleetstorm validate ${p.scenarioFile}   # check it without running`,
    `#   fleetstorm run ${p.scenarioFile}        # run it; writes reports/<time>-${p.name}/report.html`,
    '# Every key is documented in scenarios/schema.json. Durations: 500ms, 30s, 15m, 6h;',
    '# sizes: 4MiB; shares: 10%; `a..b` is a range drawn per device or per event.',
    `name: ${p.name}`,
    `description: ${p.devices} ${p.protocol === 'http' ? 'duty-cycled' : 'always-connected'} devices${p.rollout ? ', a firmware rollout' : ''} and a backend outage`,
    '# Every random draw comes from this seed: same seed, same report. The report prints a replay line.',
    'seed: 1',
    `# Virtual length of the run.${p.mode === 'virtual' ? ' Virtual mode runs it as fast as the CPU allows.' : ''}`,
    `duration: ${p.duration}`,
    '# virtual: devices and a backend model in-process (millions of devices, fast-forwarded time);',
    '# live: real MQTT/HTTP connections to `target` at `live.speed` × real time.',
    `mode: ${p.mode}`,
    '',
  ];
}

function fleet(p: ScaffoldPlan): string[] {
  return [
    `# The fleet: groups of devices of a device type, found in devices/${p.deviceType}.yaml next to`,
    '# this file (or among the built-in types: sensor, gateway, tracker, sensor-single-slot).',
    'fleet:',
    `  - { device: ${p.deviceType}, count: ${p.devices} }`,
    '# Devices power on spread uniformly over this window; `0s` is a thundering herd.',
    'power-on:',
    `  spread: ${p.powerOnSpread}`,
    '',
  ];
}

function backend(p: ScaffoldPlan): string[] {
  if (p.mode === 'live') {
    return [
      '# Live mode talks to the embedded backend on loopback unless a target is given:',
      '# target:',
      '#   mqtt: mqtt://broker.example:1883',
      '#   http: http://backend.example:8080',
      'live:',
      '  speed: 60 # one virtual minute per real second',
      `  max-concurrent-connections: ${Math.max(1000, p.devices)}`,
      '',
    ];
  }
  return [
    '# The backend capacity model (virtual mode): how fast the broker accepts connections, how many',
    '# wait before it refuses (MQTT 5 reason 0x9F), ingest and check-in rates, download capacity.',
    'backend:',
    '  connect:',
    `    rate: ${p.connectRatePerSec}/s`,
    `    queue: ${p.connectQueue}`,
    '    latency: 2ms..10ms',
    '  ingest: { rate: 50000/s, queue: 100000 }',
    '  checkin: { rate: 2000/s, queue: 10000, latency: 20ms..100ms }',
    '  ota: { bandwidth: 10Gbit/s, max-concurrent-downloads: 10000 }',
    '',
  ];
}

function rollout(p: ScaffoldPlan): string[] {
  if (!p.rollout) return [];
  return [
    '# A firmware rollout: offered in cumulative waves (a share of the targeted devices each), the next',
    '# wave after `wave-interval`; the campaign pauses when a wave fails more than `failure-limit`.',
    'rollout:',
    `  firmware: { version: ${p.nextFirmware}, size: ${p.firmwareSize} }`,
    `  start: ${p.rolloutStart}`,
    `  waves: [${p.waves.join(', ')}]`,
    `  wave-interval: ${p.waveInterval}`,
    `  selector: { device: ${p.deviceType}, from: ${p.firmware} }`,
    '  # Counts failed attempts (a radio drop mid-download is one, even when the retry succeeds).',
    '  failure-limit: { ratio: 20%, action: pause }',
    '',
  ];
}

function faults(p: ScaffoldPlan): string[] {
  const duringRollout = p.rollout
    ? [
        '  # Per device, while it is in an OTA state: radio drops mid-download, power cuts mid-install.',
        '  - { type: radio-drop, who: 5%, during: ota.downloading, duration: 30s..5m }',
        '  - { type: power-loss, who: 1%, during: ota.installing }',
      ]
    : [];
  return [
    '# Faults: what (type) × when (at, every, during a device state) × who (a share, a count, a device',
    '# type). A backend outage drops every session at once; watch the reconnect storm in the report.',
    'faults:',
    `  - { type: backend-outage, at: ${p.outageAt}, duration: ${p.outageFor} }`,
    ...duringRollout,
    '',
  ];
}

function thresholds(p: ScaffoldPlan): string[] {
  // Duty-cycled devices that check in over HTTP: judged on their online share and on how soon
  // each one has a session again after the outage (persistent MQTT devices: their reconnects).
  const connectivity =
    p.protocol === 'http'
      ? [
          '  - fleet_online_ratio >= 90%',
          '  - fleet_resume_duration_us < 30m',
          '  - outage_not_resumed_total == 0',
          ...(p.rollout ? ['  - p99(http_checkin_duration_us) < 5s # NB-IoT: up to 2 s each way'] : []),
        ]
      : [
          '  - p50(mqtt_connect_duration_us) < 1s',
          '  - fleet_recovery_duration_us < 30m',
          '  - outage_not_reconnected_total == 0',
        ];
  const ota = p.rollout
    ? [
        '  - fleet_on_target_ratio >= 90%',
        '  - ota_failure_ratio < 20%',
        '  # `abort: true` stops the run (exit 4) the moment this fails: here, at the first bricked device.',
        '  - { expr: ota_bricked_total == 0, abort: true }',
      ]
    : [];
  return [
    '# Pass/fail conditions checked at the end; any failure makes `fleetstorm run` exit 1 (a CI gate).',
    '# Metric names: p50/p90/p99/max(<histogram>_us), <counter>_total, and derived ratios/durations.',
    'thresholds:',
    ...connectivity,
    ...ota,
    '',
  ];
}

export function scenarioYaml(p: ScaffoldPlan): string {
  return [...header(p), ...fleet(p), ...backend(p), ...rollout(p), ...faults(p), ...thresholds(p)].join('\n');
}
