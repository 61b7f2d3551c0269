// The bench's yardstick (AssemblyScript, compiled by bench/run.ts; not part of the library): the
// most multiply-adds per second WebAssembly SIMD does here, with nothing to load or store. Twelve
// independent accumulators of four float32 lanes keep the multipliers and adders busy (one chain would
// wait on each result); WebAssembly SIMD has no fused multiply-add, so each vector's step is a multiply
// and an add: 8 flops.

/**
 * Runs `steps` rounds of acc = acc·a + b on 12 vectors; returns a lane so that nothing is optimised
 * away. Twelve chains: a multiply then an add take about 6 cycles before the next step of the same
 * chain can start, and a core starts up to two vector multiplies and two adds a cycle; 12 vectors plus
 * a and b also fit the 16 SIMD registers that V8 uses (one of them its scratch).
 */
export function multiplyAdd(steps: i32): f32 {
  const a = f32x4.splat(0.999);
  const b = f32x4.splat(0.001);
  let v0 = f32x4.splat(1);
  let v1 = f32x4.splat(2);
  let v2 = f32x4.splat(3);
  let v3 = f32x4.splat(4);
  let v4 = f32x4.splat(5);
  let v5 = f32x4.splat(6);
  let v6 = f32x4.splat(7);
  let v7 = f32x4.splat(8);
  let v8 = f32x4.splat(9);
  let v9 = f32x4.splat(10);
  let v10 = f32x4.splat(11);
  let v11 = f32x4.splat(12);
  for (let i = 0; i < steps; i++) {
    v0 = f32x4.add(f32x4.mul(v0, a), b);
    v1 = f32x4.add(f32x4.mul(v1, a), b);
    v2 = f32x4.add(f32x4.mul(v2, a), b);
    v3 = f32x4.add(f32x4.mul(v3, a), b);
    v4 = f32x4.add(f32x4.mul(v4, a), b);
    v5 = f32x4.add(f32x4.mul(v5, a), b);
    v6 = f32x4.add(f32x4.mul(v6, a), b);
    v7 = f32x4.add(f32x4.mul(v7, a), b);
    v8 = f32x4.add(f32x4.mul(v8, a), b);
    v9 = f32x4.add(f32x4.mul(v9, a), b);
    v10 = f32x4.add(f32x4.mul(v10, a), b);
    v11 = f32x4.add(f32x4.mul(v11, a), b);
  }
  const s0 = f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3));
  const s1 = f32x4.add(f32x4.add(v4, v5), f32x4.add(v6, v7));
  const s2 = f32x4.add(f32x4.add(v8, v9), f32x4.add(v10, v11));
  return f32x4.extract_lane(f32x4.add(f32x4.add(s0, s1), s2), 0);
}
