// A device's flash: a small Map created on its first write (a device that never writes costs
// nothing), with a write count per key (wear) and per device. Values are copied in and out as
// JSON, as bytes in a real flash would be: no object is shared between RAM and flash.
import type { Flash, JsonValue } from './api.js';

/** Called on each write (the host counts program_flash_writes_total). */
export type OnFlashWrite = () => void;

export class DeviceFlash implements Flash {
  private data: Map<string, string> | null = null;
  private wear: Map<string, number> | null = null;
  writes = 0;

  constructor(private readonly onWrite: OnFlashWrite) {}

  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    const v = this.data?.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  set(key: string, value: JsonValue): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`flash.set('${key}'): the value is not JSON`);
    (this.data ??= new Map()).set(key, text);
    this.wrote(key);
  }

  delete(key: string): void {
    if (this.data?.delete(key)) this.wrote(key);
  }

  has(key: string): boolean {
    return this.data?.has(key) ?? false;
  }

  keys(): string[] {
    return this.data ? [...this.data.keys()] : [];
  }

  wearOf(key: string): number {
    return this.wear?.get(key) ?? 0;
  }

  private wrote(key: string): void {
    this.writes++;
    const w = (this.wear ??= new Map());
    w.set(key, (w.get(key) ?? 0) + 1);
    this.onWrite();
  }
}
