// Child process: one fault proxy in front of a broker with fixed latency and bandwidth shaping
// and an optional connection-rate limit (its own process, so its two descriptors per connection
// do not count against the caller's open-file limit). Prints `port <n>` once listening; exits
// when stdin closes.
//   node --import tsx bench/lib/shaped-proxy-main.ts <targetPort> <latencyMs> <bytesPerSec> [<connectsPerSec> <burst>]
import { startFaultProxy } from '../../src/faults/proxy/index.js';

const [targetPort, latencyMs, bytesPerSec, connectsPerSec, burst] = process.argv.slice(2).map(Number);
const proxy = await startFaultProxy({
  listenHost: '127.0.0.1',
  listenPort: 0,
  target: { host: '127.0.0.1', port: targetPort as number },
  protocol: 'mqtt',
});
proxy.setLatency(latencyMs ?? 0);
proxy.setBandwidth(bytesPerSec ?? 0);
proxy.setConnectRate(connectsPerSec ?? 0, burst ?? 1);
process.stdout.write(`port ${proxy.port}\n`);
process.stdin.resume();
process.stdin.once('end', () => void proxy.close().then(() => process.exit(0)));
