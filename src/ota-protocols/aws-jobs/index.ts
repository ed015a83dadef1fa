// AWS IoT Jobs over MQTT (`ota.protocol: aws-iot-jobs`): the device client on the devices' own
// MQTT sessions and the embedded broker's jobs service, both on the deployment desk's campaign.
import { compileTemplate } from '../../identity/template.js';
import type { OtaClientOptions, OtaProtocolModule } from '../module.js';
import type { OtaAgentClient, OtaDeviceFacts } from '../types.js';
import { awsJobsBrokerService } from './broker-service.js';
import { AwsJobsClient } from './client.js';
import { AWS_JOBS_ENDPOINTS, awsJobsPattern } from './pattern.js';
import { UnconnectedJobsClient } from './unconnected.js';

function jobsClient(o: OtaClientOptions): OtaAgentClient {
  if (o.mqtt === null) return new UnconnectedJobsClient();
  const template = compileTemplate(o.ota.awsJobs?.thingName ?? '{id}', 'ota.aws-jobs.thing-name');
  // `{id}` as the connect identity fills it (`{type}-{index}`): the thing name and the client id
  // come out the same from the same template.
  const thingName = (dev: OtaDeviceFacts): string =>
    template({
      index: dev.index,
      type: dev.deviceType,
      id: `${dev.deviceType}-${dev.index}`,
      shard: 0,
      run: '',
      seq: 1,
    });
  const client = new AwsJobsClient({
    link: o.mqtt,
    thingName,
    observe: o.observe,
    clockUs: o.clockUs,
    imageBase: o.baseUrl,
    ...(o.ota.awsJobs
      ? {
          stepTimeoutInMinutes: o.ota.awsJobs.stepTimeoutMinutes,
          replyTimeoutMs: o.ota.awsJobs.replyTimeoutMs,
        }
      : {}),
    ...(o.wake ? { wake: o.wake } : {}),
  });
  o.mqtt.addInbox(client.inbox);
  return client;
}

export const awsJobsProtocol: OtaProtocolModule = {
  name: 'aws-iot-jobs',
  endpoints: AWS_JOBS_ENDPOINTS,
  pattern: awsJobsPattern,
  client: jobsClient,
  broker: (o) => awsJobsBrokerService(o),
};
