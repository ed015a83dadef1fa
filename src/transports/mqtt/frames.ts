// Splits a read into complete MQTT frames (fixed header + Remaining Length varint
// [MQTT-2.2.3]) without copying; only an incomplete tail is copied and carried over.

/** Frames larger than this are treated as a protocol error (the broker is misbehaving). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface FrameSink {
  /**
   * One complete frame: data[frameStart] is the fixed header byte, the body is
   * data[bodyStart, bodyEnd). Returns false if the connection was closed meanwhile.
   */
  onFrame(slot: number, data: Buffer, frameStart: number, bodyStart: number, bodyEnd: number): boolean;
  onProtocolError(slot: number, what: string): void;
}

/** Result of readFrames when the connection closed during dispatch. */
export const CLOSED = null;

/**
 * Dispatches every complete frame of data[0, end). Returns a copy of the incomplete tail to
 * prepend to the next read, undefined when nothing is left, or CLOSED.
 */
export function readFrames(
  sink: FrameSink,
  slot: number,
  data: Buffer,
  end: number,
): Buffer | undefined | null {
  let start = 0;
  while (end - start >= 2) {
    let length = 0;
    let multiplier = 1;
    let p = start + 1;
    let done = false;
    for (let i = 0; i < 4 && p < end; i++) {
      const byte = data[p++] as number;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) {
        done = true;
        break;
      }
    }
    if (!done) {
      if (p - start > 4) return protocolError(sink, slot, 'Remaining Length longer than 4 bytes');
      break; // the varint itself is incomplete
    }
    if (length > MAX_FRAME_BYTES) return protocolError(sink, slot, `frame of ${length} bytes`);
    if (p + length > end) break;
    if (!sink.onFrame(slot, data, start, p, p + length)) return CLOSED;
    start = p + length;
  }
  return start < end ? Buffer.from(data.subarray(start, end)) : undefined;
}

function protocolError(sink: FrameSink, slot: number, what: string): null {
  sink.onProtocolError(slot, what);
  return CLOSED;
}
