// Assembles WebAssembly text (.wat) to module bytes with wabt, for the WebAssembly program tests.
import wabtInit from 'wabt';

export async function assemble(wat: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('device.wat', wat);
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}
