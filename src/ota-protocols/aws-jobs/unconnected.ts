// The Jobs client of a device type without MQTT sessions (an HTTP-only fleet): every check
// fails as data, so a scenario that pairs `aws-iot-jobs` with HTTP devices shows why nothing happens.
import type { OtaAgentClient, OtaCheckAnswer, OtaReportAnswer } from '../types.js';

export class UnconnectedJobsClient implements OtaAgentClient {
  readonly protocol = 'aws-iot-jobs' as const;

  check(): Promise<OtaCheckAnswer> {
    return Promise.resolve({ kind: 'failed', reason: 'no_mqtt_session' });
  }

  report(): Promise<OtaReportAnswer> {
    return Promise.resolve('failed');
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
