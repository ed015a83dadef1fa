// The lean client against a private Debian mosquitto (MQTT 3.1.1 and 5). Needs the binary:
// `apt-get install -y mosquitto`; FLEETSTORM_SKIP_MOSQUITTO=1 skips these tests.
import { describe, expect, it } from 'vitest';
import { mosquittoInstalled, MOSQUITTO_MISSING, startMosquitto } from '../../../bench/lib/mosquitto.js';
import { mqttClientSuite } from './mqtt-suite.js';

const skip = process.env.FLEETSTORM_SKIP_MOSQUITTO === '1';

describe.skipIf(skip)('lean MQTT client against mosquitto', () => {
  it('has mosquitto installed', () => {
    expect(mosquittoInstalled(), MOSQUITTO_MISSING).toBe(true);
  });

  mqttClientSuite(async () => {
    const broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
    return { url: broker.url, stop: () => broker.stop() };
  }, [4, 5]);
});
