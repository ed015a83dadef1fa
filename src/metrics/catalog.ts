// Every metric fleetstorm records, defined once. Names are snake_case with a unit suffix; the
// index of a name in these lists is its id on the hot path (no string look-ups per event).
import { indexMap } from './index-of.js';

export const HISTOGRAMS = [
  'mqtt_connect_duration_us',
  'mqtt_publish_ack_duration_us',
  'mqtt_e2e_delivery_duration_us',
  'http_checkin_duration_us',
  'ota_download_duration_us',
  'ota_time_to_update_us',
  /** Per device connected before an outage: outage end → connected again. */
  'outage_reconnect_duration_us',
  /** Per targeted device that committed the rollout's version: rollout start → committed. */
  'ota_commit_since_rollout_start_us',
  /** Live mode: how late the generator fired an event against its intended time. */
  'generator_lag_us',
  /** Per duty-cycled device online before an outage: outage end → its next successful session. */
  'outage_resume_duration_us',
  /**
   * Per OTA request the device made, by endpoint role (src/ota-protocols/types.ts OTA_ENDPOINTS;
   * each protocol names the real endpoint): request → answer. Live: measured; virtual: modelled.
   */
  'ota_request_duration_us{endpoint="auth"}',
  'ota_request_duration_us{endpoint="check"}',
  'ota_request_duration_us{endpoint="deployment"}',
  'ota_request_duration_us{endpoint="report"}',
  'ota_request_duration_us{endpoint="inventory"}',
  'ota_request_duration_us{endpoint="log"}',
  'ota_request_duration_us{endpoint="cancel"}',
  /** Per command a device received: operator's intended publish time → device received it. */
  'command_fanout_duration_us',
  /** Per reply the operator received: its intended publish time of the command → reply received. */
  'command_reply_duration_us',
  /** Per provisioned device: its first registration request → registered (retries included). */
  'provision_duration_us',
  /** Per site outage (`who.sites`): outage start → the last of the site's devices online then connected again. */
  'site_recovery_duration_us',
] as const;
export type HistogramName = (typeof HISTOGRAMS)[number];

export const H = indexMap(HISTOGRAMS);

export const COUNTERS = [
  'devices_powered_on_total',
  'mqtt_connect_attempts_total',
  'mqtt_connect_success_total',
  'mqtt_connect_failed_total{reason="rejected"}',
  'mqtt_connect_failed_total{reason="max_sessions"}',
  'mqtt_connect_failed_total{reason="timeout"}',
  'mqtt_connect_failed_total{reason="outage"}',
  'mqtt_connect_failed_total{reason="lost"}',
  // Live mode: the refusal's real reason, from the MQTT 5 CONNACK reason code or the 3.1.1
  // return code (src/live/connect-reason.ts); other codes stay `rejected`.
  'mqtt_connect_failed_total{reason="not_authorized"}',
  'mqtt_connect_failed_total{reason="bad_credentials"}',
  'mqtt_connect_failed_total{reason="server_unavailable"}',
  'mqtt_connect_failed_total{reason="bad_client_id"}',
  'mqtt_connect_failed_total{reason="unsupported_protocol"}',
  'mqtt_connect_failed_total{reason="banned"}',
  'mqtt_connect_failed_total{reason="server_busy"}',
  'mqtt_connect_failed_total{reason="quota_exceeded"}',
  'mqtt_connect_failed_total{reason="connection_rate_exceeded"}',
  // Live mode, no CONNACK: TLS handshake or certificate check, nothing listening, closed or
  // reset before CONNACK, any other socket error (outside a backend-outage fault, which is `outage`).
  'mqtt_connect_failed_total{reason="tls"}',
  'mqtt_connect_failed_total{reason="connection_refused"}',
  'mqtt_connect_failed_total{reason="connection_closed"}',
  'mqtt_connect_failed_total{reason="network"}',
  /** Live mode: CONNACKs with the session-present flag (a persistent session resumed). */
  'mqtt_session_present_total',
  'mqtt_disconnects_total{reason="outage"}',
  'mqtt_disconnects_total{reason="keepalive"}',
  'mqtt_disconnects_total{reason="radio"}',
  'mqtt_disconnects_total{reason="power"}',
  'mqtt_disconnects_total{reason="duty_cycle"}',
  // Live mode, outside a backend-outage fault: who ended a session the device held. An MQTT 5
  // DISCONNECT 0x8E (another connection took the client id), one with another reason code, a
  // close or reset without one, a socket error (src/live/connect-reason.ts).
  'mqtt_disconnects_total{reason="session_taken_over"}',
  'mqtt_disconnects_total{reason="server_disconnect"}',
  'mqtt_disconnects_total{reason="connection_closed"}',
  'mqtt_disconnects_total{reason="network"}',
  // Live mode: a connected device whose token (JWT, SAS) expired reconnects with a fresh one.
  'mqtt_disconnects_total{reason="token_expiry"}',
  // Live mode, `connectivity.birth`/`will`: birth messages sent after CONNACK; wills the independent
  // subscriber received on the will topics (compared with the abrupt disconnects in the report).
  // Virtual mode: the wills the modelled broker publishes (one per abrupt disconnect, none lost).
  'mqtt_births_sent_total',
  'mqtt_wills_received_total',
  'mqtt_publish_total',
  'mqtt_publish_acked_total',
  'mqtt_publish_failed_total{reason="rejected"}',
  'mqtt_publish_failed_total{reason="lost"}',
  'mqtt_publish_failed_total{reason="disconnected"}',
  // Live mode, MQTT 5: a PUBACK/PUBREC with a failing reason code names it (src/live/connect-reason.ts).
  'mqtt_publish_failed_total{reason="not_authorized"}',
  'mqtt_publish_failed_total{reason="quota_exceeded"}',
  'mqtt_publish_failed_total{reason="topic_invalid"}',
  'mqtt_publish_failed_total{reason="packet_too_large"}',
  'mqtt_publish_failed_total{reason="payload_invalid"}',
  /**
   * Live mode, kept sessions: QoS 1/2 publishes in flight at a drop, sent again (DUP) after a
   * CONNACK with session present; never counted again in mqtt_publish_total. Virtual mode with
   * `backend.mqtt.track-in-flight`: the same, for drops the fault plan knows (in-flight.ts).
   */
  'mqtt_publish_resent_total',
  'mqtt_delivered_total',
  /** Live, templated telemetry: sequence numbers the subscriber never saw (per topic). */
  'mqtt_delivery_gaps_total',
  /** Live, templated telemetry: sequence numbers the subscriber saw again. */
  'mqtt_delivery_duplicates_total',
  'telemetry_skipped_total',
  'battery_flat_total',
  'battery_recharged_total',
  'http_checkin_total',
  'http_checkin_failed_total',
  'ota_offered_total',
  'ota_download_started_total',
  'ota_downloaded_bytes_total',
  'ota_resumed_downloads_total',
  'ota_redownloaded_bytes_total',
  'ota_succeeded_total',
  'ota_failed_total{reason="download"}',
  'ota_failed_total{reason="verify"}',
  'ota_failed_total{reason="power"}',
  'ota_failed_total{reason="battery"}',
  'ota_failed_total{reason="health"}',
  'ota_rolled_back_total',
  'ota_bricked_total',
  /** Devices that gave up on the update after max-attempts failed attempts. */
  'ota_gave_up_total',
  // OTA requests by endpoint role, whatever the protocol (`ota.protocol`): made, and failed
  // (HTTP error, timeout, refused; in virtual mode refused by the modelled API).
  'ota_requests_total{endpoint="auth"}',
  'ota_requests_total{endpoint="check"}',
  'ota_requests_total{endpoint="deployment"}',
  'ota_requests_total{endpoint="report"}',
  'ota_requests_total{endpoint="inventory"}',
  'ota_requests_total{endpoint="log"}',
  'ota_requests_total{endpoint="cancel"}',
  'ota_requests_total{endpoint="download"}',
  'ota_requests_failed_total{endpoint="auth"}',
  'ota_requests_failed_total{endpoint="check"}',
  'ota_requests_failed_total{endpoint="deployment"}',
  'ota_requests_failed_total{endpoint="report"}',
  'ota_requests_failed_total{endpoint="inventory"}',
  'ota_requests_failed_total{endpoint="log"}',
  'ota_requests_failed_total{endpoint="cancel"}',
  'ota_requests_failed_total{endpoint="download"}',
  /** Status reports the devices sent, by state (the protocol decides which states it reports). */
  'ota_reports_total{state="downloading"}',
  'ota_reports_total{state="downloaded"}',
  'ota_reports_total{state="installing"}',
  'ota_reports_total{state="rebooting"}',
  'ota_reports_total{state="success"}',
  'ota_reports_total{state="failure"}',
  'ota_reports_total{state="already-installed"}',
  /**
   * Deployments the update server ended while the device worked on them (Mender 409, hawkBit
   * cancelAction, Jobs CANCELED, a fleetstorm 409): the device stopped and went back to idle.
   */
  'ota_aborted_total{by="server"}',
  'faults_injected_total{type="radio-drop"}',
  'faults_injected_total{type="radio-degrade"}',
  'faults_injected_total{type="power-loss"}',
  'faults_injected_total{type="battery-flat"}',
  'faults_injected_total{type="corrupt-image"}',
  'faults_injected_total{type="clock-skew"}',
  'faults_injected_total{type="backend-outage"}',
  'faults_injected_total{type="backend-slow"}',
  'faults_injected_total{type="half-open"}',
  'faults_injected_total{type="broker-reject"}',
  'faults_injected_total{type="decommission"}',
  'faults_injected_total{type="reprovision"}',
  'outage_tracked_devices_total',
  'outage_not_reconnected_total',
  /** Duty-cycled devices online (asleep, waking or connected) when an outage began. */
  'outage_sleeping_devices_total',
  /** Duty-cycled devices whose first wake during an outage failed to connect. */
  'outage_wake_failed_total',
  /** Of outage_sleeping_devices_total: no successful session after the outage by the end. */
  'outage_not_resumed_total',
  'ota_targeted_total',
  // Live mode, `target.limits`: operations held back by a limit (src/transports/limits).
  'target_limit_delayed_total{limit="connections"}',
  'target_limit_delayed_total{limit="connect_rate"}',
  'target_limit_delayed_total{limit="publish_rate"}',
  'target_limit_delayed_total{limit="request_rate"}',
  'target_limit_delayed_total{limit="bandwidth"}',
  // `operations`: commands the operator published, devices received, replies the operator
  // received by result, and commands left without a reply at their timeout (or the run's end).
  'command_sent_total',
  'command_received_total',
  'command_replied_total{result="ok"}',
  'command_replied_total{result="error"}',
  'command_unanswered_total',
  // Device programs (src/program): callbacks run (hooks and timers), callbacks that threw, that
  // ran past their budget (the program is then switched off), `error` log lines, publishes made
  // without a session (dropped), and flash writes (wear).
  'program_callbacks_total',
  'program_errors_total',
  'program_runaways_total',
  'program_log_errors_total',
  'program_publishes_dropped_total',
  'program_flash_writes_total',
  // `telemetry.buffer`: readings due while the device was not connected (kept in its buffer),
  // published from the buffer after a reconnect, and dropped because the buffer was full.
  'telemetry_buffered_total',
  'telemetry_flushed_total',
  'telemetry_dropped_total{reason="buffer_full"}',
  // `provisioning`: registration requests sent before a first connect, answered with an identity,
  // refused by the registration API (queue full, outage, 503), failed (lost, timed out).
  'provision_attempts_total',
  'provision_succeeded_total',
  'provision_refused_total',
  'provision_failed_total',
  // `rollout.install-window`: installs started, of them outside the device's local window, and
  // verified images kept until the window opened.
  'ota_install_started_total',
  'ota_install_outside_window_total',
  'ota_install_deferred_total',
] as const;
export type CounterName = (typeof COUNTERS)[number];

export const C = indexMap(COUNTERS);

/** Connectivity state of a device (one per device, counted in the devices-by-state series). */
export const CONN_STATES = [
  'off',
  'connecting',
  'connected',
  'backoff',
  'sleeping',
  'dark',
  'bricked',
] as const;
export type ConnStateName = (typeof CONN_STATES)[number];
export const CS = indexMap(CONN_STATES);

/** OTA agent state of a device. */
export const OTA_STATES = [
  'idle',
  'checking',
  'downloading',
  'verifying',
  'installing',
  'rebooting',
  'health-check',
  'retry-wait',
  'committed',
  'rolled-back',
  'failed',
  'bricked',
] as const;
export type OtaStateName = (typeof OTA_STATES)[number];
export const OS = indexMap(OTA_STATES);

/** Histogram range: 1 µs to 48 virtual hours at 3 significant digits. */
export const HIST_LOWEST_US = 1;
export const HIST_HIGHEST_US = 48 * 3600 * 1_000_000;
export const HIST_SIGNIFICANT_DIGITS = 3;

/**
 * Values derived at the end of a run from the merged metrics, usable in thresholds like any
 * counter. Defined in metrics/derived.ts.
 */
export const DERIVED = [
  'connect_failure_ratio',
  'publish_failure_ratio',
  'ota_failure_ratio',
  'fleet_recovery_duration_us',
  'fleet_convergence_duration_us',
  'fleet_on_target_ratio',
  'fleet_online_ratio',
  'devices_total',
  'fleet_resume_duration_us',
  'command_answered_ratio',
  'telemetry_loss_ratio',
] as const;
export type DerivedName = (typeof DERIVED)[number];
