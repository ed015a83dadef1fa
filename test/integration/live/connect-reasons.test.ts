// Why connects fail, counted with the real reason and said in words, against a real mosquitto:
// a wrong password (3.1.1 return code 5 and MQTT 5 reason 0x87 both read `not_authorized`), a
// broker that stops listening mid-run (`connection_refused`), and persistent MQTT 5 sessions
// found present again after a radio drop.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { makeCerts, type CertDir } from '../transports/tls-broker.js';
import { runResolved } from '../../../src/app/run.js';
import { renderJunit } from '../../../src/reports/junit.js';
import { renderSummary } from '../../../src/reports/summary-text.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import type { ResolvedScenario } from '../../../src/scenario/index.js';
import { sumCounter } from '../../../src/metrics/source.js';
import { RUN_END_DETAIL } from '../../../src/live/connect-errors.js';

interface Group {
  name: string;
  count: number;
  connectivity: Record<string, unknown>;
  telemetry?: Record<string, unknown>;
}

function scenario(
  groups: Group[],
  url: string,
  extra: Record<string, unknown> = {},
): Promise<ResolvedScenario> {
  const doc = {
    name: 'connect-reasons',
    seed: 5,
    mode: 'live',
    duration: '3m',
    fleet: groups.map((g) => ({
      device: {
        name: g.name,
        extends: 'gateway',
        connectivity: g.connectivity,
        telemetry: g.telemetry ?? {},
      },
      count: g.count,
    })),
    'power-on': { spread: '20s' },
    live: { speed: 30 },
    ...extra,
  };
  return resolveScenarioObject(doc, 'connect-reasons (in memory)', {
    env: {},
    overrides: { targetMqtt: [url] },
  });
}

/** A counter, or a family summed over its labels (as thresholds read it). */
function counter(r: Report, name: string): number {
  return sumCounter(name, (n) => r.metrics.counters[n] ?? 0);
}

/** A password file mosquitto can read after it drops to its own user. */
function passwordFile(dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-pw-'));
  dirs.push(dir);
  chmodSync(dir, 0o755);
  const file = join(dir, 'passwords');
  writeFileSync(file, '');
  const made = spawnSync('mosquitto_passwd', ['-b', file, 'dev', 'right-password']);
  if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${String(made.stderr)}`);
  chmodSync(file, 0o644);
  return file;
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'connect failures against mosquitto',
  () => {
    let broker: MosquittoHandle | null = null;
    let certs: CertDir | null = null;
    const dirs: string[] = [];
    afterEach(async () => {
      await broker?.stop();
      broker = null;
      certs?.remove();
      certs = null;
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it('counts a wrong password as not_authorized for 3.1.1 and for 5, and says so in words', async () => {
      const pw = passwordFile(dirs);
      broker = await startMosquitto({ extraConfig: ['allow_anonymous false', `password_file ${pw}`] });
      // A long connect timeout: on a loaded machine no refusal may turn into a timeout.
      const wrong = { username: 'dev', password: 'wrong-password', 'connect-timeout': '1m' };
      const s = await scenario(
        [
          { name: 'gw-311', count: 6, connectivity: { ...wrong, protocol: '3.1.1' } },
          { name: 'gw-5', count: 6, connectivity: { ...wrong, protocol: 5 } },
        ],
        broker.url,
        { duration: '2m' },
      );
      const { report } = await runResolved(s, { noFiles: true });
      const failed = counter(report, 'mqtt_connect_failed_total');
      expect(failed).toBeGreaterThanOrEqual(12);
      // Every refusal is not_authorized; a connect still awaiting its CONNACK when the run ends
      // counts as a timeout (at most one per device).
      const pendingAtEnd = counter(report, 'mqtt_connect_failed_total{reason="timeout"}');
      expect(pendingAtEnd).toBeLessThanOrEqual(12);
      expect(counter(report, 'mqtt_connect_failed_total{reason="not_authorized"}')).toBe(
        failed - pendingAtEnd,
      );
      expect(counter(report, 'mqtt_connect_success_total')).toBe(0);
      const all = report.live?.connectErrors ?? [];
      // The connects pending at the end are described as timeouts too (only when there are any).
      const timeouts = all.filter((d) => d.reason === 'timeout');
      expect(timeouts.reduce((n, d) => n + d.count, 0)).toBe(pendingAtEnd);
      for (const d of timeouts) expect(d.detail).toBe(RUN_END_DETAIL);
      const details = all.filter((d) => d.reason !== 'timeout');
      expect(details.map((d) => `${d.reason} ${d.detail}`).sort()).toEqual([
        'not_authorized MQTT 3.1.1 return code 5',
        'not_authorized MQTT 5 reason 0x87',
      ]);
      // A refusal that arrives as the run ends is described but never applied by its device.
      const described = details.reduce((n, d) => n + d.count, 0);
      expect(described).toBeGreaterThanOrEqual(failed - pendingAtEnd);
      expect(described).toBeLessThanOrEqual(failed + 12);
      const summary = renderSummary(report);
      expect(summary).toMatch(/failures: (all|\d+ %( of)?) [\d,]+ connects were refused: not authorized/);
      expect(renderJunit(report)).toContain('connects were refused: not authorized');
    }, 40_000);

    it('connects every device with the right password (MQTT 5), so the refusals above are the password', async () => {
      const pw = passwordFile(dirs);
      broker = await startMosquitto({ extraConfig: ['allow_anonymous false', `password_file ${pw}`] });
      const right = { username: 'dev', password: 'right-password', protocol: 5 };
      const s = await scenario([{ name: 'gw-5', count: 6, connectivity: right }], broker.url, {
        duration: '1m',
      });
      const { report } = await runResolved(s, { noFiles: true });
      expect(counter(report, 'mqtt_connect_success_total')).toBe(6);
      expect(counter(report, 'mqtt_connect_failed_total')).toBe(0);
      expect(report.live?.connectErrors).toEqual([]);
    }, 40_000);

    it('counts a broker certificate from an unknown CA as tls, with the certificate error, in words', async () => {
      certs = await makeCerts(0);
      const c = certs;
      broker = await startMosquitto({
        tls: { certFile: join(c.dir, 'server.pem'), keyFile: join(c.dir, 'server.key') },
      });
      // Verification on (the default) and no CA given: the test CA is unknown to the devices.
      const s = await scenario([{ name: 'gw', count: 8, connectivity: {} }], broker.url, { duration: '1m' });
      const { report } = await runResolved(s, { noFiles: true });
      const failed = counter(report, 'mqtt_connect_failed_total');
      expect(failed).toBeGreaterThanOrEqual(8);
      expect(counter(report, 'mqtt_connect_failed_total{reason="tls"}')).toBe(failed);
      const top = report.live?.connectErrors[0];
      expect(top?.reason).toBe('tls');
      expect(top?.count).toBeGreaterThanOrEqual(failed); // one arriving as the run ends may not be applied
      expect(top?.detail).toMatch(
        /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/,
      );
      expect(renderSummary(report)).toContain(`connects failed TLS verification: ${top?.detail ?? '?'}`);
    }, 40_000);

    it('names MQTT 5 publishes an ACL refuses not_authorized (0x87), and says so in words', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-acl-'));
      dirs.push(dir);
      chmodSync(dir, 0o755);
      const acl = join(dir, 'acl');
      writeFileSync(acl, 'topic read nothing/#\n'); // no one may publish anywhere
      chmodSync(acl, 0o644);
      broker = await startMosquitto({ extraConfig: [`acl_file ${acl}`] });
      const gw = { name: 'gw-5', count: 6, connectivity: { protocol: 5 }, telemetry: { interval: '10s' } };
      const s = await scenario([gw], broker.url, { duration: '1m' });
      const { report } = await runResolved(s, { noFiles: true });
      const sent = counter(report, 'mqtt_publish_total');
      expect(sent).toBeGreaterThan(0);
      expect(counter(report, 'mqtt_publish_failed_total{reason="not_authorized"}')).toBe(sent);
      expect(counter(report, 'mqtt_publish_acked_total')).toBe(0);
      expect(renderSummary(report)).toMatch(/failures: all [\d,]+ publishes were refused: not authorized/);
    }, 40_000);

    it('names devices thrown off by another with their client id, never as an outage', async () => {
      broker = await startMosquitto();
      const shared = { protocol: 5, 'client-id': 'one-id-for-all' };
      const s = await scenario([{ name: 'gw-5', count: 4, connectivity: shared }], broker.url, {
        duration: '1m',
      });
      const { report } = await runResolved(s, { noFiles: true });
      // mosquitto 2.0 closes the older connection without a DISCONNECT; a broker that sends
      // reason 0x8E gets session_taken_over instead.
      const thrownOff =
        counter(report, 'mqtt_disconnects_total{reason="connection_closed"}') +
        counter(report, 'mqtt_disconnects_total{reason="session_taken_over"}');
      expect(thrownOff).toBeGreaterThan(0);
      expect(thrownOff).toBe(counter(report, 'mqtt_disconnects_total'));
      expect(counter(report, 'mqtt_disconnects_total{reason="outage"}')).toBe(0);
    }, 40_000);

    it('names a broker that stopped listening: connection_refused with ECONNREFUSED', async () => {
      broker = await startMosquitto();
      const b = broker;
      // Duty-cycled devices reconnect every interval; the broker goes away after ~2 s real.
      const duty = {
        mode: 'duty-cycle',
        backoff: { policy: 'none', base: '10s', max: '10s' },
      };
      const s = await scenario([{ name: 'sensor-like', count: 8, connectivity: duty }], b.url, {
        duration: '4m',
      });
      const stop = setTimeout(() => void b.stop(), 2000);
      try {
        const { report } = await runResolved(s, { noFiles: true });
        const refused = counter(report, 'mqtt_connect_failed_total{reason="connection_refused"}');
        expect(refused).toBeGreaterThan(0);
        expect(counter(report, 'mqtt_connect_failed_total{reason="outage"}')).toBe(0);
        expect(report.live?.connectErrors[0]).toMatchObject({
          reason: 'connection_refused',
          detail: 'ECONNREFUSED',
        });
        expect(renderSummary(report)).toContain('connects found nothing listening (connection refused)');
      } finally {
        clearTimeout(stop);
      }
    }, 40_000);

    it('finds an MQTT 5 session present after a radio drop with clean-session false, none with true', async () => {
      broker = await startMosquitto();
      const drop = [{ type: 'radio-drop', who: '100%', at: '1m', duration: '10s' }];
      const kept = { protocol: 5, 'clean-session': false, 'session-expiry': '10m' };
      const clean = { protocol: 5, 'clean-session': true };
      const persistent = await scenario([{ name: 'gw-kept', count: 6, connectivity: kept }], broker.url, {
        duration: '2m',
        faults: drop,
      });
      const a = (await runResolved(persistent, { noFiles: true })).report;
      expect(counter(a, 'mqtt_disconnects_total{reason="radio"}')).toBe(6);
      expect(counter(a, 'mqtt_session_present_total')).toBe(6);

      const fresh = await scenario([{ name: 'gw-clean', count: 6, connectivity: clean }], broker.url, {
        duration: '2m',
        faults: drop,
      });
      const b = (await runResolved(fresh, { noFiles: true })).report;
      expect(counter(b, 'mqtt_disconnects_total{reason="radio"}')).toBe(6);
      expect(counter(b, 'mqtt_session_present_total')).toBe(0);
    }, 60_000);
  },
);

describe('MQTT 5 devices against the embedded broker (MQTT 3.1.1 only)', () => {
  it('are refused as unsupported_protocol, and the summary says what to do', async () => {
    const doc = {
      name: 'v5-embedded',
      seed: 5,
      mode: 'live',
      duration: '1m',
      fleet: [{ device: { name: 'gw-5', extends: 'gateway', connectivity: { protocol: 5 } }, count: 4 }],
      'power-on': { spread: '10s' },
      live: { speed: 30 },
    };
    const s = await resolveScenarioObject(doc, 'v5-embedded (in memory)', { env: {} });
    const { report } = await runResolved(s, { noFiles: true });
    const failed = counter(report, 'mqtt_connect_failed_total');
    expect(failed).toBeGreaterThanOrEqual(4);
    expect(counter(report, 'mqtt_connect_failed_total{reason="unsupported_protocol"}')).toBe(failed);
    expect(renderSummary(report)).toContain('the embedded broker speaks MQTT 3.1.1 only');
  }, 40_000);
});
