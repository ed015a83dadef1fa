// What a threshold is about, and whether it happened. `ota_bricked_total == 0` holds trivially
// when no device was offered the update; a gate that passes on that says nothing. Each counter
// family has a subject (the counter that counts the occasions it could have moved); when the
// subject is zero the threshold has no data, and fails unless it says `allow-empty: true`.
import type { ThresholdTarget } from './threshold-parse.js';
import type { MetricsSource } from './source.js';
import { familyOf } from './names.js';

interface Subject {
  /** Counter (family) that must be above zero for the threshold to mean something. */
  counter: string;
  why: string;
}

const OFFERED: Subject = { counter: 'ota_offered_total', why: 'no device was offered the update' };
const POWERED: Subject = { counter: 'devices_powered_on_total', why: 'no device powered on' };
const COMMANDS: Subject = { counter: 'command_sent_total', why: 'no operator command was sent' };
const OUTAGE: Subject = {
  counter: 'faults_injected_total{type="backend-outage"}',
  why: 'no backend outage happened in the run',
};

/** Counter family → its subject; families not listed are their own subject (none). */
const SUBJECTS: Readonly<Record<string, Subject>> = {
  devices_powered_on_total: { counter: 'devices_total', why: 'no devices' },
  mqtt_connect_attempts_total: POWERED,
  mqtt_connect_success_total: { counter: 'mqtt_connect_attempts_total', why: 'no connect attempts' },
  mqtt_connect_failed_total: { counter: 'mqtt_connect_attempts_total', why: 'no connect attempts' },
  mqtt_disconnects_total: { counter: 'mqtt_connect_success_total', why: 'no device ever connected' },
  mqtt_publish_total: { counter: 'mqtt_connect_success_total', why: 'no device ever connected' },
  mqtt_publish_acked_total: { counter: 'mqtt_publish_total', why: 'no publishes' },
  mqtt_publish_failed_total: { counter: 'mqtt_publish_total', why: 'no publishes' },
  mqtt_delivered_total: { counter: 'mqtt_publish_total', why: 'no publishes' },
  telemetry_skipped_total: POWERED,
  battery_flat_total: POWERED,
  battery_recharged_total: { counter: 'battery_flat_total', why: 'no battery went flat' },
  http_checkin_total: POWERED,
  http_checkin_failed_total: { counter: 'http_checkin_total', why: 'no check-ins' },
  ota_offered_total: { counter: 'ota_targeted_total', why: 'no device is targeted by a rollout' },
  ota_download_started_total: OFFERED,
  ota_downloaded_bytes_total: OFFERED,
  ota_resumed_downloads_total: OFFERED,
  ota_redownloaded_bytes_total: OFFERED,
  ota_succeeded_total: OFFERED,
  ota_failed_total: OFFERED,
  ota_rolled_back_total: OFFERED,
  ota_bricked_total: OFFERED,
  ota_gave_up_total: OFFERED,
  outage_tracked_devices_total: OUTAGE,
  outage_not_reconnected_total: {
    counter: 'outage_tracked_devices_total',
    why: 'no outage with connected persistent devices (duty-cycled ones: outage_not_resumed_total)',
  },
  outage_sleeping_devices_total: OUTAGE,
  outage_wake_failed_total: OUTAGE,
  outage_not_resumed_total: {
    counter: 'outage_sleeping_devices_total',
    why: 'no outage with duty-cycled devices online',
  },
  command_received_total: COMMANDS,
  command_replied_total: COMMANDS,
  command_unanswered_total: COMMANDS,
};

function subjectValue(name: string, m: MetricsSource): number {
  return name === 'devices_total' ? (m.derived('devices_total') ?? 0) : m.counter(name);
}

/**
 * Why the threshold's subject never happened, or null when it did. Histograms have no data of
 * their own when empty (checked by the caller); counters look at their family's subject.
 */
export function missingSubject(target: ThresholdTarget, m: MetricsSource): string | null {
  if (target.kind !== 'counter') return null;
  const subject = SUBJECTS[familyOf(target.metric)];
  if (subject === undefined) return null;
  if (subjectValue(subject.counter, m) > 0) return null;
  return `${subject.why} (${subject.counter} = 0)`;
}
