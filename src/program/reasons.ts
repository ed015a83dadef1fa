// Why a programmed device lost its session, from the disconnect counter the built-in machine
// records (src/device/connectivity.ts loseLink). null: no `disconnected` hook (a power cut runs
// `powerLoss` instead; the device is not running to notice its link go).
import { C } from '../metrics/catalog.js';
import type { DisconnectReason } from './api.js';

const BY_COUNTER = new Map<number, DisconnectReason | null>([
  [-1, 'clean'],
  [C['mqtt_disconnects_total{reason="power"}'], null],
  [C['mqtt_disconnects_total{reason="outage"}'], 'outage'],
  [C['mqtt_disconnects_total{reason="keepalive"}'], 'keepalive'],
  [C['mqtt_disconnects_total{reason="radio"}'], 'radio-drop'],
  [C['mqtt_disconnects_total{reason="duty_cycle"}'], 'clean'],
  [C['mqtt_disconnects_total{reason="token_expiry"}'], 'clean'],
  [C['mqtt_disconnects_total{reason="server_disconnect"}'], 'server'],
  [C['mqtt_disconnects_total{reason="session_taken_over"}'], 'server'],
]);

export function disconnectReason(counter: number): DisconnectReason | null {
  const r = BY_COUNTER.get(counter);
  return r === undefined ? 'network' : r;
}
