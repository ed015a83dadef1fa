// The device type file `fleetstorm init` writes: every section present with its common keys
// and a comment saying what it does, so users edit values rather than look up key names.
import type { ScaffoldPlan } from './plan.js';

function header(p: ScaffoldPlan): string[] {
  return [
    `# Device type \`${p.deviceType}\`, used by ${p.scenarioFile}. Every key is optional: anything left`,
    '# out takes the default documented in scenarios/schema.json. Durations: 500ms, 30s, 15m;',
    '# sizes: 200B, 4MiB; currents: 5uA, 80mA; shares: 10%; `a..b` draws a value per device.',
    `description: ${p.protocol === 'http' ? 'Battery sensor that wakes, reports and sleeps (HTTP check-in for updates)' : 'Always-connected MQTT device'}`,
    '# Firmware the devices run at power-on (a rollout offers a newer one).',
    `firmware: ${p.firmware}`,
    ...(p.program === null
      ? []
      : [
          "# The device's own logic (TypeScript; the path is relative to the scenario file): its hooks and",
          '# timers run in virtual time on top of the settings below. Its unit test is next to it.',
          `program: ./devices/${p.program}.ts`,
        ]),
    '',
  ];
}

function radio(p: ScaffoldPlan): string[] {
  return [
    '# Radio link: the profile sets bandwidth, latency and loss defaults (wifi, lte-m, nb-iot, ethernet).',
    'radio:',
    `  profile: ${p.protocol === 'http' ? 'nb-iot' : 'lte-m'}`,
    `  # bandwidth: ${p.protocol === 'http' ? '40kbit/s' : '300kbit/s'}`,
    `  # latency: ${p.protocol === 'http' ? '300ms..2s' : '50ms..200ms'}`,
    '  # loss: 0.5%',
    '',
  ];
}

function battery(p: ScaffoldPlan): string[] {
  if (p.protocol !== 'http') {
    return [
      '# Power: `mains` never goes flat. For a battery, see the battery-powered example in',
      '# scenarios/devices/sensor.yaml.',
      'battery:',
      '  capacity: mains',
      '',
    ];
  }
  return [
    '# Power: capacity, state of charge at power-on, and current drawn per state. A flat device goes',
    '# dark (or is recharged after `recharge-after` with `on-flat: recharge`).',
    'battery:',
    '  capacity: 2600mAh',
    '  initial: 60%..100%',
    '  drain: { sleep: 5uA, connected: 6mA, download: 80mA, install: 25mA }',
    '  on-flat: dark',
    '',
  ];
}

function connectivity(p: ScaffoldPlan): string[] {
  const http = p.protocol === 'http';
  return [
    '# Connection behaviour. persistent: stays connected (a backend outage drops every session and',
    '# causes a reconnect storm); duty-cycle: wake, connect, publish, disconnect, sleep.',
    'connectivity:',
    `  mode: ${http ? 'duty-cycle' : 'persistent'}`,
    `  keepalive: ${http ? '20m' : '60s'} # a silent link is noticed after 1.5 × keepalive`,
    '  connect-timeout: 30s',
    '  # Reconnect backoff; full jitter spreads a storm out: uniform 0..min(max, base × multiplier^attempt).',
    '  backoff: { policy: full, base: 2s, max: 5m, multiplier: 2 }',
    '',
  ];
}

function telemetry(p: ScaffoldPlan): string[] {
  return [
    '# Periodic publishes: every `interval` ± `jitter`, payload size drawn per publish.',
    'telemetry:',
    `  interval: ${p.protocol === 'http' ? '15m' : '5m'}`,
    '  jitter: 30s',
    '  payload: 100B..300B',
    '  qos: 1',
    '',
  ];
}

function ota(p: ScaffoldPlan): string[] {
  const http = p.protocol === 'http';
  return [
    '# Firmware update agent: how it learns of updates (poll = HTTP check-in, push = MQTT notice),',
    '# A/B slots (a failed install falls back; `single` bricks instead), resumable downloads,',
    '# and how long each step takes. A failed health check rolls back.',
    'ota:',
    '  slots: ab',
    '  resume: true',
    `  discovery: ${http ? 'poll' : 'push'}`,
    `  check-interval: ${http ? '1h' : '6h'}`,
    '  min-battery: 20%',
    '  install: 30s..90s',
    '  health-failure: 0.1%',
    '  max-attempts: 3',
  ];
}

export function deviceTypeYaml(p: ScaffoldPlan): string {
  return [...header(p), ...radio(p), ...battery(p), ...connectivity(p), ...telemetry(p), ...ota(p), ''].join(
    '\n',
  );
}
