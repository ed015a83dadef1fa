// Live mode's commands as one piece for the live fleet and driver: the devices' inbox (when a
// device type answers commands) and the operator connection (when the scenario has operations).
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { wallClockMs } from '../clock/real-clock.js';
import { compileOperations } from '../device/operation-plan.js';
import { anyCommands } from '../device/params.js';
import type { FleetIdentity } from '../identity/fleet-identity.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { LiveContext } from './context.js';
import { DeviceCommands } from './device-commands.js';
import type { LiveMqtt } from './mqtt-side.js';
import { LiveOperator } from './operator.js';

export class LiveCommands {
  private constructor(
    readonly devices: DeviceCommands,
    readonly operator: LiveOperator | null,
    private readonly runTag: string,
  ) {}

  /** null when no device type answers commands. */
  static build(
    s: ResolvedScenario,
    ctx: LiveContext,
    mqtt: LiveMqtt,
    typeNames: readonly string[],
    tls?: TlsConnectionOptions,
  ): LiveCommands | null {
    if (!anyCommands(s)) return null;
    const devices = new DeviceCommands(ctx, mqtt, s, typeNames);
    mqtt.addInbox(devices);
    const plan = compileOperations(s);
    const operator = plan === null ? null : new LiveOperator(ctx, s, plan, typeNames, s.target.resolve, tls);
    return new LiveCommands(devices, operator, ctx.runTag);
  }

  /** Connects the operator to the first broker URL (with the subscriber's credentials). */
  async start(urls: readonly string[], identity: FleetIdentity, shardIndex: number): Promise<boolean> {
    const url = urls[0];
    if (!this.operator || url === undefined) return true;
    const tag = identity.forSubscriber(0, wallClockMs());
    return this.operator.start(url, `${this.runTag}-op${shardIndex}`, () => tag);
  }

  tick(vNow: number): void {
    this.operator?.tick(vNow);
  }

  /** Commands still waiting for a reply (the driver's drain waits for them). */
  get open(): number {
    return this.operator?.open ?? 0;
  }

  settleAtEnd(): void {
    this.operator?.settleAtEnd();
  }

  warnings(): string[] {
    const out = this.operator?.warnings() ?? [];
    const refused = this.devices.refusedSubscriptions;
    if (refused > 0)
      out.push(
        `${refused} command subscriptions were refused by the broker: those devices never saw a command`,
      );
    return out;
  }

  close(): void {
    this.operator?.close();
  }
}
