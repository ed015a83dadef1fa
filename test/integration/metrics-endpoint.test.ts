// --metrics-port: a Prometheus scrape during (here: right after) a run shows its counters,
// devices by state and latency summaries.
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsEndpoint, type MetricsEndpoint } from '../../src/app/metrics-endpoint.js';
import { runResolved } from '../../src/app/run.js';
import { loadScenario } from '../../src/scenario/index.js';

let endpoint: MetricsEndpoint | null = null;
afterEach(async () => {
  await endpoint?.close();
  endpoint = null;
});

describe('metrics endpoint', () => {
  it('serves Prometheus text with the run totals', async () => {
    const s = await loadScenario('test/fixtures/e2e/small.yaml', { env: {} });
    endpoint = await startMetricsEndpoint(0, s.durationUs);
    const first = await (await fetch(endpoint.url)).text();
    expect(first).toContain('run starting');
    const { report } = await runResolved(s, { noFiles: true, onProgress: (p) => endpoint?.update(p) });
    const text = await (await fetch(endpoint.url)).text();
    expect(text).toContain(
      `fleetstorm_mqtt_connect_success_total ${report.metrics.counters.mqtt_connect_success_total}`,
    );
    expect(text).toContain('fleetstorm_mqtt_connect_failed_total{reason="timeout"}');
    expect(text).toMatch(/fleetstorm_devices\{state="sleeping"\} \d+/);
    expect(text).toMatch(/fleetstorm_mqtt_connect_duration_seconds\{quantile="0.99"\} [\d.]+/);
    // A labelled histogram: one summary family, the label next to the quantile.
    expect(text).toMatch(/fleetstorm_ota_request_duration_seconds\{endpoint="check",quantile="0.99"\} \S+/);
    expect(text).toContain('fleetstorm_ota_request_duration_seconds_count{endpoint="report"} ');
    expect(text.match(/# TYPE fleetstorm_ota_request_duration_seconds summary/g)).toHaveLength(1);
    expect(text).toContain('fleetstorm_progress_ratio 1');
    expect((await fetch(endpoint.url.replace('/metrics', '/'))).status).toBe(404);
  });

  it('a taken port is an environment error', async () => {
    endpoint = await startMetricsEndpoint(0, 1);
    const port = Number(new URL(endpoint.url).port);
    await expect(startMetricsEndpoint(port, 1)).rejects.toMatchObject({ code: 'FLEETSTORM_ERR_PORT_IN_USE' });
  });
});
