interface WasmMemoryCtor {
  new (descriptor: { initial: number; maximum?: number }): { buffer: ArrayBuffer };
}
const WasmMemory = (globalThis as unknown as { WebAssembly?: { Memory: WasmMemoryCtor } }).WebAssembly?.Memory;

/**
 * A zeroed buffer of at least `bytes`. Large ones start page-aligned so every 64-byte record sits
 * in exactly one cache line: a plain ArrayBuffer comes from malloc, 16-byte aligned at best,
 * which would split most records over two lines. WebAssembly memory is always page-aligned.
 * Buffers below `minAligned` bytes (one 64 KiB wasm page, the store of a default 1 024-order
 * engine) would waste most of a page, and any failure to reserve wasm memory falls back too: both
 * get a plain ArrayBuffer. Measured on the benchmark's small-book stream, a misaligned store
 * costs up to a third of the throughput, depending on where malloc happened to put it.
 */
export function alignedBuffer(bytes: number, minAligned = 1 << 16): ArrayBuffer {
  if (WasmMemory !== undefined && bytes >= minAligned) {
    const pages = Math.ceil(bytes / 65536);
    try {
      return new WasmMemory({ initial: pages, maximum: pages }).buffer;
    } catch {
      // address space for wasm memories exhausted: alignment is an optimisation, not a need
    }
  }
  return new ArrayBuffer(bytes);
}
