/**
 * Every SIMD kernel in assembly/, called directly (through KernelSet, src/cnn/fast/wasmKernels.ts) on
 * small inputs and held to a plain loop written here from the kernel's own comment, in float32 and
 * float64. The sizes are odd where the kernel allows it (channels, runs, leading dimensions, positions
 * past the last full tile), so that the vector tails run. The values are small whole numbers, so every
 * product and sum is exact in float32 too and the kernel must match the loop to the bit, including what
 * it must leave alone: each output region runs a few values past the kernel's end, and those keep
 * their values. Conv and pool kernels read their sizes from a plan record (assembly/plan.ts), which each
 * test lays out beside its buffers with only the fields the kernel reads set. How conv2d and pool2d put
 * the kernels together is test/fastKernels.test.ts.
 */
import { expect } from 'chai';
import { kernelsFor, workspace } from '../src/cnn/fast/wasmKernels';
import { CONV_PLAN_FIELDS, ConvPlanFields, POOL_PLAN_FIELDS, PoolPlanFields } from '../src/cnn/fast/plan';
import { seededRandom } from '../src/cnn/random';

const DTYPES = ['float32', 'float64'] as const;
type Dtype = (typeof DTYPES)[number];

/** Values past a kernel's output that it must not write. */
const TAIL = 3;
const UNTOUCHED = 999;

/** `count` whole numbers in [−4, 4] (or [−spread, spread]), from a seed. */
function ints(count: number, seed: number, spread = 4): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => random.int(2 * spread + 1) - spread);
}

/** `count` copies of a value, then the untouched tail. */
function filled(count: number, value: number): number[] {
  return [...new Array(count).fill(value), ...new Array(TAIL).fill(UNTOUCHED)];
}

/** The same, after `values`. */
function withTail(values: number[]): number[] {
  return [...values, ...new Array(TAIL).fill(UNTOUCHED)];
}

/** A region of the kernels' memory: element values of the dtype, or an int32 table (offsets). */
type Region = number[] | Int32Array;

/**
 * Lays `regions` out in the kernels' memory; returns each one's byte address (what kernels take) and a
 * reader of a region's values after the call.
 */
function lay(
  dtype: Dtype,
  regions: Record<string, Region>,
): { at: Record<string, number>; read: (name: string) => number[] } {
  const names = Object.keys(regions);
  const { heap, at } = workspace(
    dtype,
    names.map((name) => regions[name].length),
  );
  const size = heap.BYTES_PER_ELEMENT;
  names.forEach((name, i) => {
    const region = regions[name];
    if (region instanceof Int32Array) new Int32Array(heap.buffer, at[i], region.length).set(region);
    else heap.set(region, at[i] / size);
  });
  const address = Object.fromEntries(names.map((name, i) => [name, at[i]]));
  const read = (name: string): number[] => {
    const from = address[name] / size;
    return Array.from(heap.subarray(from, from + regions[name].length));
  };
  return { at: address, read };
}

/** A conv plan record (assembly/plan.ts's ConvPlan) with the given fields, zero elsewhere. */
function convPlan(fields: Partial<ConvPlanFields>): Int32Array {
  return Int32Array.from(CONV_PLAN_FIELDS, (name) => fields[name] ?? 0);
}

/** A pool plan record (assembly/plan.ts's PoolPlan). */
function poolPlan(fields: PoolPlanFields): Int32Array {
  return Int32Array.from(POOL_PLAN_FIELDS, (name) => fields[name]);
}

function kernels(dtype: Dtype) {
  const set = kernelsFor(dtype);
  if (!set) throw new Error('the SIMD kernels are not loaded: npm run build:wasm');
  return set;
}

/** Rounds as the kernel's element type does (float64: nothing to do). */
function rounding(dtype: Dtype): (v: number) => number {
  return dtype === 'float32' ? Math.fround : (v) => v;
}

/** v rounded up to a multiple of m. */
const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/** Values in a vector (16 bytes) of the dtype. */
const lanesOf = (dtype: Dtype): number => (dtype === 'float64' ? 2 : 4);

for (const dtype of DTYPES) {
  describe(`SIMD kernels one by one, ${dtype}`, () => {
    const seed = dtype === 'float64' ? 100 : 200;

    describe('gemm.ts', () => {
      it('gemm rows=8 cols=8 depth=7 lda=9 ldb=11 ldc=10', () => {
        const [rows, cols, depth, lda, ldb, ldc] = [8, 8, 7, 9, 11, 10];
        const A = ints(rows * lda, seed);
        const B = ints(depth * ldb, seed + 1);
        const C = withTail(ints(rows * ldc, seed + 2));
        // C = A·B on the first `cols` columns of C's rows; the rest of each row stays
        const want = [...C];
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            let sum = 0;
            for (let p = 0; p < depth; p++) sum += A[i * lda + p] * B[p * ldb + j];
            want[i * ldc + j] = sum;
          }
        }
        const { at, read } = lay(dtype, { A, B, C });
        kernels(dtype).gemm(rows, cols, depth, at.A, lda, at.B, ldb, at.C, ldc, 0);
        expect(read('C')).to.deep.equal(want);
      });

      it('gemm with B’s rows through window offsets: conv with stride 1 from planes [2,2,5,6] f=3, image 1 from row 1, 11 columns (a partial tile)', () => {
        const [m, C, Hp, Wp, f] = [2, 2, 5, 6, 3];
        // window value (wR, wC, c) of a position sits planeOffsets[kd] after it, kd in im2col's order
        const Kd = f * f * C;
        const planeOffsets = new Int32Array(Kd);
        for (let wR = 0; wR < f; wR++) {
          for (let wC = 0; wC < f; wC++) {
            for (let c = 0; c < C; c++) planeOffsets[(wR * f + wC) * C + c] = (c * Hp + wR) * Wp + wC;
          }
        }
        const [n, yRFirst, columns, kPadded, ld] = [1, 1, 11, 8, 17];
        const tileColumns = 2 * lanesOf(dtype);
        // the last tile reads past the planes: slack, as the driver leaves
        const xp = ints(m * C * Hp * Wp + 32, seed + 6);
        const wT = ints(kPadded * Kd, seed + 7);
        const zT = filled(kPadded * ld, UNTOUCHED);
        // zT[k, q] = Σ_kd wT[k, kd] · xp[base + q + offsets[kd]], for whole tiles of columns
        const base = (n * C * Hp + yRFirst) * Wp;
        const want = [...zT];
        for (let k = 0; k < kPadded; k++) {
          for (let q = 0; q < roundUp(columns, tileColumns); q++) {
            let sum = 0;
            for (let kd = 0; kd < Kd; kd++) sum += wT[k * Kd + kd] * xp[base + q + planeOffsets[kd]];
            want[k * ld + q] = sum;
          }
        }
        const { at, read } = lay(dtype, { xp, wT, offsets: planeOffsets, zT });
        const size = dtype === 'float64' ? 8 : 4;
        kernels(dtype).gemm(kPadded, columns, Kd, at.wT, Kd, at.xp + base * size, 0, at.zT, ld, at.offsets);
        expect(read('zT')).to.deep.equal(want);
      });

      for (const rowTable of [false, true]) {
        it(`gemmTransposedB rows=8 cols=6 depth=8 lda=11 ldb=9 ldc=7${rowTable ? ', A’s rows from a table of offsets' : ''}`, () => {
          const [rows, cols, depth, lda, ldb, ldc] = [8, 6, 8, 11, 9, 7];
          const A = ints(rows * lda + 40, seed + 3);
          const B = ints(cols * ldb, seed + 4);
          const C = withTail(ints(rows * ldc, seed + 5));
          const offsets = Int32Array.from({ length: rows }, (_, r) => 40 + 3 - 5 * r + (r % 2) * 13);
          const rowStart = (r: number): number => (rowTable ? offsets[r] : r * lda);
          // C += A·Bᵀ, B stored (cols × depth)
          const want = [...C];
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) {
              for (let p = 0; p < depth; p++) want[i * ldc + j] += A[rowStart(i) + p] * B[j * ldb + p];
            }
          }
          const { at, read } = lay(dtype, { A, B, C, offsets });
          kernels(dtype).gemmTransposedB(
            rows,
            cols,
            depth,
            at.A,
            lda,
            at.B,
            ldb,
            at.C,
            ldc,
            rowTable ? at.offsets : 0,
          );
          expect(read('C')).to.deep.equal(want);
        });
      }
    });

    describe('directConv.ts', () => {
      for (const [K, relu] of [
        [3, 0],
        [5, 0],
        [5, 1],
      ]) {
        it(`convChannelsLast x=[2,6,7,3] f=3 K=${K} Kp=8${relu ? ' relu' : ''}, positions 3 to 32 (rows and images crossed, a partial tile)`, () => {
          const [batch, Hp, Wp, C, f, Kp, first, count] = [2, 6, 7, 3, 3, 8, 3, 30];
          const plan = convPlan({ Hp, Wp, C, f, outH: Hp - f + 1, outW: Wp - f + 1, K, kVectors: Kp, relu });
          const [outH, outW] = [Hp - f + 1, Wp - f + 1];
          const xp = ints(batch * Hp * Wp * C, seed + 8);
          // weights (f, f, C, Kp) and bias (Kp): zeros past K
          const w = ints(f * f * C * Kp, seed + 9).map((v, i) => (i % Kp < K ? v : 0));
          const bias = ints(Kp, seed + 10).map((v, k) => (k < K ? v : 0));
          const out = filled(batch * outH * outW * K, UNTOUCHED);
          const want = [...out];
          for (let q = first; q < first + count; q++) {
            const [n, yR, yC] = [Math.floor(q / (outH * outW)), Math.floor(q / outW) % outH, q % outW];
            for (let k = 0; k < K; k++) {
              let sum = bias[k];
              for (let wR = 0; wR < f; wR++) {
                for (let wC = 0; wC < f; wC++) {
                  for (let c = 0; c < C; c++) {
                    sum +=
                      xp[((n * Hp + yR + wR) * Wp + yC + wC) * C + c] * w[((wR * f + wC) * C + c) * Kp + k];
                  }
                }
              }
              want[q * K + k] = relu ? Math.max(sum, 0) : sum;
            }
          }
          const { at, read } = lay(dtype, { plan, xp, w, bias, out });
          kernels(dtype).convChannelsLast(at.plan, at.xp, first, count, at.w, at.bias, at.out);
          expect(read('out')).to.deep.equal(want);
        });
      }
    });

    describe('windows.ts', () => {
      // [stride, outW, columns past the block]: a vector run with an overlapping last vector and no
      // columns to spare (a vector past the run would write past the matrix), a strided run, a run shorter
      // than a float32 vector
      for (const [stride, outW, spare] of [
        [1, 5, 0],
        [2, 3, 3],
        [1, 3, 3],
      ]) {
        const [m, C, f, outH, firstRow] = [2, 2, 3, 3, 1];
        const [Hp, Wp] = [(outH - 1) * stride + f, (outW - 1) * stride + f];
        const rowCount = m * outH - firstRow; // from image 0's second output row into image 1
        const ld = rowCount * outW + spare;
        const Kd = f * f * C;
        const plan = convPlan({ C, Hp, Wp, f, stride, outH, outW, ld });
        /** Where column entry (kd, r, yC) sits in the planes (m, C, Hp, Wp). */
        const cellOf = (wR: number, wC: number, c: number, r: number, yC: number): number => {
          const [n, yR] = [Math.floor(r / outH), r % outH];
          return ((n * C + c) * Hp + yR * stride + wR) * Wp + yC * stride + wC;
        };
        /** Calls visit(kd, column, cell) for every entry of the block's columns. */
        const eachEntry = (visit: (kd: number, column: number, cell: number) => void): void => {
          for (let wR = 0; wR < f; wR++) {
            for (let wC = 0; wC < f; wC++) {
              for (let c = 0; c < C; c++) {
                for (let r = firstRow; r < firstRow + rowCount; r++) {
                  for (let yC = 0; yC < outW; yC++) {
                    visit((wR * f + wC) * C + c, (r - firstRow) * outW + yC, cellOf(wR, wC, c, r, yC));
                  }
                }
              }
            }
          }
        };
        const name = `planes [${m},${C},${Hp},${Wp}] f=${f} s=${stride} outW=${outW}, rows ${firstRow}–${firstRow + rowCount - 1} ld=${ld}`;

        it(`im2col ${name}`, () => {
          const xp = ints(m * C * Hp * Wp, seed + 11);
          const cols = filled(Kd * ld, UNTOUCHED);
          // every entry copied; columns past the block zeroed up to ld
          const want = [...cols];
          for (let kd = 0; kd < Kd; kd++) want.fill(0, kd * ld + rowCount * outW, (kd + 1) * ld);
          eachEntry((kd, column, cell) => (want[kd * ld + column] = xp[cell]));
          const { at, read } = lay(dtype, { plan, xp, cols });
          kernels(dtype).im2col(at.plan, at.xp, firstRow, rowCount, at.cols);
          expect(read('cols')).to.deep.equal(want);
        });

        it(`col2im ${name}`, () => {
          const dCols = ints(Kd * ld, seed + 12);
          const dXp = withTail(ints(m * C * Hp * Wp, seed + 13));
          // every entry added back onto the cell it was copied from
          const want = [...dXp];
          eachEntry((kd, column, cell) => (want[cell] += dCols[kd * ld + column]));
          const { at, read } = lay(dtype, { plan, dCols, dXp });
          kernels(dtype).col2im(at.plan, at.dCols, firstRow, rowCount, at.dXp);
          expect(read('dXp')).to.deep.equal(want);
        });
      }

      it('addWindowRows Kd=5 columns=11 ld=13, runs that overlap', () => {
        const [Kd, columns, ld] = [5, 11, 13];
        const offsets = Int32Array.from([0, 3, 17, 20, 5]);
        const dCols = ints(Kd * ld, seed + 14);
        const dXp = withTail(ints(40, seed + 15));
        // dXp[offsets[kd] + q] += dCols[kd, q] for q < columns
        const want = [...dXp];
        for (let kd = 0; kd < Kd; kd++) {
          for (let q = 0; q < columns; q++) want[offsets[kd] + q] += dCols[kd * ld + q];
        }
        const { at, read } = lay(dtype, { plan: convPlan({ Kd, ld }), dCols, dXp, offsets });
        kernels(dtype).addWindowRows(at.plan, at.dCols, columns, at.offsets, at.dXp);
        expect(read('dXp')).to.deep.equal(want);
      });
    });

    describe('layout.ts', () => {
      const [batch, H, W] = [2, 3, 5];
      for (const [C, pad] of [
        [1, 1],
        [3, 2],
        [3, 0],
      ]) {
        const [Hp, Wp] = [H + 2 * pad, W + 2 * pad];
        const plan = convPlan({ batch, H, W, C, pad, Hp, Wp });
        const xAt = (n: number, h: number, w: number, c: number): number => ((n * H + h) * W + w) * C + c;
        const planeAt = (n: number, h: number, w: number, c: number): number =>
          ((n * C + c) * Hp + h + pad) * Wp + w + pad;
        const paddedAt = (n: number, h: number, w: number, c: number): number =>
          ((n * Hp + h + pad) * Wp + w + pad) * C + c;
        const eachValue = (visit: (n: number, h: number, w: number, c: number) => void): void => {
          for (let n = 0; n < batch; n++) {
            for (let h = 0; h < H; h++) {
              for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) visit(n, h, w, c);
            }
          }
        };
        const name = `x=[${batch},${H},${W},${C}] pad=${pad}`;

        it(`toPaddedPlanes ${name}`, () => {
          const x = ints(batch * H * W * C, seed + 16);
          const xp = filled(batch * C * Hp * Wp, UNTOUCHED);
          const want = filled(batch * C * Hp * Wp, 0);
          eachValue((n, h, w, c) => (want[planeAt(n, h, w, c)] = x[xAt(n, h, w, c)]));
          const { at, read } = lay(dtype, { plan, x, xp });
          kernels(dtype).toPaddedPlanes(at.plan, at.x, at.xp);
          expect(read('xp')).to.deep.equal(want);
        });

        it(`fromPaddedPlanes ${name}`, () => {
          const dXp = ints(batch * C * Hp * Wp, seed + 17);
          const dX = filled(batch * H * W * C, UNTOUCHED);
          const want = [...dX];
          eachValue((n, h, w, c) => (want[xAt(n, h, w, c)] = dXp[planeAt(n, h, w, c)]));
          const { at, read } = lay(dtype, { plan, dXp, dX });
          kernels(dtype).fromPaddedPlanes(at.plan, at.dXp, at.dX);
          expect(read('dX')).to.deep.equal(want);
        });

        it(`toPaddedChannelsLast ${name}`, () => {
          const x = ints(batch * H * W * C, seed + 18);
          const xp = filled(batch * Hp * Wp * C, UNTOUCHED);
          const want = filled(batch * Hp * Wp * C, 0);
          eachValue((n, h, w, c) => (want[paddedAt(n, h, w, c)] = x[xAt(n, h, w, c)]));
          const { at, read } = lay(dtype, { plan, x, xp });
          kernels(dtype).toPaddedChannelsLast(at.plan, at.x, at.xp);
          expect(read('xp')).to.deep.equal(want);
        });
      }

      // 10 positions in rows of 4 (the last one partial) from position 3; columns contiguous, or 6 apart
      // with relu fused or not (the plan's relu: max(0, ·) on the way out, relu's slope on the way in)
      for (const [pitch, relu] of [
        [4, 0],
        [6, 0],
        [6, 1],
      ]) {
        const [K, count, rowLength, first, ld, kPadded] = [3, 10, 4, 3, 19, 4];
        const plan = convPlan({ K, outW: rowLength, pitch, ld, kPadded, relu });
        const column = (q: number): number => Math.floor(q / rowLength) * pitch + (q % rowLength);
        const name = `K=${K} positions ${first}–${first + count - 1} in rows of ${rowLength}, pitch ${pitch}, ld=${ld}${relu ? ', relu' : ''}`;

        it(`storeChannelsLast ${name}`, () => {
          const zT = ints(K * ld, seed + 19);
          const bias = ints(K, seed + 20);
          const out = filled((first + count) * K, UNTOUCHED);
          // out[(first + q)·K + k] = zT[k, column(q)] + bias[k]
          const want = [...out];
          for (let q = 0; q < count; q++) {
            for (let k = 0; k < K; k++) {
              const z = zT[k * ld + column(q)] + bias[k];
              want[(first + q) * K + k] = relu ? Math.max(z, 0) : z;
            }
          }
          const { at, read } = lay(dtype, { plan, zT, bias, out });
          kernels(dtype).storeChannelsLast(at.plan, at.zT, first, count, at.bias, at.out);
          expect(read('out')).to.deep.equal(want);
        });

        it(`loadChannelRows ${name} kPadded=${kPadded}`, () => {
          const dZ = ints((first + count) * K, seed + 21);
          // relu's output: zeros (its slope there is 0, as at 0 exactly) and positive values
          const a = ints((first + count) * K, seed + 23).map((v) => Math.max(v, 0));
          const dZT = filled(kPadded * ld, UNTOUCHED);
          const db = withTail(ints(K, seed + 22));
          // dZT[k, column(q)] = dZ[(first + q)·K + k] (times [a > 0] with relu), zero elsewhere; db[k] += Σ of those
          const wantDZT = filled(kPadded * ld, 0);
          const wantDb = [...db];
          for (let q = 0; q < count; q++) {
            for (let k = 0; k < K; k++) {
              const i = (first + q) * K + k;
              const v = relu ? dZ[i] * +(a[i] > 0) : dZ[i]; // as reluBackward: −0 where a negative value is cut
              wantDZT[k * ld + column(q)] = v;
              wantDb[k] += v;
            }
          }
          const { at, read } = lay(dtype, { plan, dZ, dZT, db, a });
          kernels(dtype).loadChannelRows(at.plan, at.dZ, first, count, at.dZT, at.db, at.a);
          expect(read('dZT')).to.deep.equal(wantDZT);
          expect(read('db')).to.deep.equal(wantDb);
        });
      }
    });

    describe('pool.ts', () => {
      // channels: one (no vector), fewer than a float32 vector, and a last partial vector
      for (const C of [1, 3, 5]) {
        for (const [f, stride] of [
          [3, 2],
          [2, 1],
        ]) {
          const [batch, H, W] = [2, 7, 5];
          const [outH, outW] = [Math.floor((H - f) / stride) + 1, Math.floor((W - f) / stride) + 1];
          const xAt = (n: number, h: number, w: number, c: number): number => ((n * H + h) * W + w) * C + c;
          /** Calls visit(out index, window cells) for every output value, the cells row by row. */
          const eachWindow = (visit: (to: number, cells: number[]) => void): void => {
            for (let n = 0; n < batch; n++) {
              for (let yR = 0; yR < outH; yR++) {
                for (let yC = 0; yC < outW; yC++) {
                  for (let c = 0; c < C; c++) {
                    const cells = [];
                    for (let wR = 0; wR < f; wR++) {
                      for (let wC = 0; wC < f; wC++)
                        cells.push(xAt(n, yR * stride + wR, yC * stride + wC, c));
                    }
                    visit(((n * outH + yR) * outW + yC) * C + c, cells);
                  }
                }
              }
            }
          };
          const round = rounding(dtype);

          for (const average of [false, true]) {
            const name = `x=[${batch},${H},${W},${C}] f=${f} s=${stride} ${average ? 'average' : 'max'}, images 1– then 0`;
            const plan = poolPlan({
              batch,
              H,
              W,
              C,
              f,
              stride,
              outH,
              outW,
              average: average ? 1 : 0,
              tiled: 0,
            });

            it(`pool ${name}`, () => {
              const x = ints(batch * H * W * C, seed + 23);
              const out = filled(batch * outH * outW * C, UNTOUCHED);
              // max starts from −∞ and takes a value only when greater; average divides the sum by f·f
              const want = [...out];
              eachWindow((to, cells) => {
                let best = -Infinity;
                let sum = 0;
                for (const cell of cells) {
                  if (x[cell] > best) best = x[cell];
                  sum += x[cell];
                }
                want[to] = average ? round(sum / (f * f)) : best;
              });
              const { at, read } = lay(dtype, { plan, x, out });
              // two calls, as two threads would make them: each writes only its own images
              kernels(dtype).pool(at.plan, 1, batch - 1, at.x, at.out);
              kernels(dtype).pool(at.plan, 0, 1, at.x, at.out);
              expect(read('out')).to.deep.equal(want);
            });

            it(`poolBackward ${name}, many ties`, () => {
              const x = ints(batch * H * W * C, seed + 24, 1); // −1, 0, 1: most windows tie
              const dA = ints(batch * outH * outW * C, seed + 25);
              const dX = filled(batch * H * W * C, 0);
              // max: each gradient to its window's first maximum; average: grad · (1/f²) to every cell;
              // overlapping windows add up, in the kernel's order and rounding
              const want = [...dX];
              const share = round(1 / (f * f));
              eachWindow((from, cells) => {
                if (average) {
                  for (const cell of cells) want[cell] = round(want[cell] + round(dA[from] * share));
                  return;
                }
                let [best, bestCell] = [-Infinity, cells[0]];
                for (const cell of cells) if (x[cell] > best) [best, bestCell] = [x[cell], cell];
                want[bestCell] += dA[from];
              });
              const { at, read } = lay(dtype, { plan, dA, x, dX, scratch: [0, 0, 0, 0] }); // scratch: 16 bytes at least
              kernels(dtype).poolBackward(at.plan, 1, batch - 1, at.dA, at.x, at.dX, at.scratch);
              kernels(dtype).poolBackward(at.plan, 0, 1, at.dA, at.x, at.dX, at.scratch);
              expect(read('dX')).to.deep.equal(want);
            });
          }
        }
      }

      // tiled: 2×2 windows 2 apart cover x=[2,4,6,5] exactly; 5 channels are a vector and a partial one
      it('poolBackward tiled (max, windows covering x once): writes every cell, over whatever was there', () => {
        const [batch, H, W, C, f] = [2, 4, 6, 5, 2];
        const [outH, outW] = [H / f, W / f];
        const plan = poolPlan({ batch, H, W, C, f, stride: f, outH, outW, average: 0, tiled: 1 });
        const x = ints(batch * H * W * C, seed + 26, 1); // most windows tie: the first maximum wins
        const dA = ints(batch * outH * outW * C, seed + 27);
        const dX = filled(batch * H * W * C, UNTOUCHED); // not zeroed: the kernel must write every cell
        const want = filled(batch * H * W * C, 0);
        for (let n = 0; n < batch; n++) {
          for (let yR = 0; yR < outH; yR++) {
            for (let yC = 0; yC < outW; yC++) {
              for (let c = 0; c < C; c++) {
                let [best, bestCell] = [-Infinity, -1];
                for (let wR = 0; wR < f; wR++) {
                  for (let wC = 0; wC < f; wC++) {
                    const cell = ((n * H + yR * f + wR) * W + yC * f + wC) * C + c;
                    if (x[cell] > best) [best, bestCell] = [x[cell], cell];
                  }
                }
                want[bestCell] = dA[((n * outH + yR) * outW + yC) * C + c];
              }
            }
          }
        }
        const { at, read } = lay(dtype, { plan, dA, x, dX, scratch: [0, 0, 0, 0] });
        kernels(dtype).poolBackward(at.plan, 1, batch - 1, at.dA, at.x, at.dX, at.scratch);
        kernels(dtype).poolBackward(at.plan, 0, 1, at.dA, at.x, at.dX, at.scratch);
        expect(read('dX')).to.deep.equal(want);
      });
    });
  });
}
