// One bit per device index, growing as indexes appear: per-device flags of a client shared by a
// fleet of up to millions, at 1 bit each instead of a Set entry.

export class DeviceBits {
  private bits = new Uint8Array(1024);

  has(index: number): boolean {
    return ((this.bits[index >>> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }

  set(index: number, on: boolean): void {
    const byte = index >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (index & 7);
    this.bits[byte] = on ? (this.bits[byte] as number) | mask : (this.bits[byte] as number) & ~mask;
  }

  clear(): void {
    this.bits = new Uint8Array(1024);
  }
}
