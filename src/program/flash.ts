// A device's flash: a small Map created on its first write (a device that never writes costs
// nothing), with a write count per key (wear) and per device. Values are copied in and out as
// JSON, as bytes in a real flash would be: no object is shared between RAM and flash.
//
// `device.flash` is a view: a two-field object made on each access (young garbage, freed at the
// next scavenge) over the store the device keeps once written, so reading an empty flash at every
// boot (the usual `flash.get(key) ?? default`) leaves nothing behind per device.
import type { Flash, JsonValue } from './api.js';

/** A device's written flash: what the device object keeps from its first write on. */
export class FlashStore {
  readonly data = new Map<string, string>();
  readonly wear = new Map<string, number>();
  writes = 0;
}

/** Where a view finds its device's store, and whom it tells of a write (the host's counter). */
export interface FlashOwner {
  flashStore(create: boolean): FlashStore | null;
  flashWrote(): void;
}

export class DeviceFlash implements Flash {
  constructor(private readonly owner: FlashOwner) {}

  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    const v = this.owner.flashStore(false)?.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  set(key: string, value: JsonValue): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`flash.set('${key}'): the value is not JSON`);
    const store = this.owner.flashStore(true) as FlashStore;
    store.data.set(key, text);
    this.wrote(store, key);
  }

  delete(key: string): void {
    const store = this.owner.flashStore(false);
    if (store?.data.delete(key)) this.wrote(store, key);
  }

  has(key: string): boolean {
    return this.owner.flashStore(false)?.data.has(key) ?? false;
  }

  keys(): string[] {
    const store = this.owner.flashStore(false);
    return store ? [...store.data.keys()] : [];
  }

  get writes(): number {
    return this.owner.flashStore(false)?.writes ?? 0;
  }

  wearOf(key: string): number {
    return this.owner.flashStore(false)?.wear.get(key) ?? 0;
  }

  private wrote(store: FlashStore, key: string): void {
    store.writes++;
    store.wear.set(key, (store.wear.get(key) ?? 0) + 1);
    this.owner.flashWrote();
  }
}
