// The lean client against the embedded backend's aedes broker (MQTT 3.1.1 only).
import { describe } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import { mqttClientSuite } from './mqtt-suite.js';

describe('lean MQTT client against the embedded aedes broker', () => {
  mqttClientSuite(async () => {
    const backend = await startEmbeddedBackend({ host: '127.0.0.1', mqttPort: 0, httpPort: 0 });
    return { url: backend.mqttUrl, stop: () => backend.close() };
  }, [4]);
});
