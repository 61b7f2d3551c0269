/**
 * gradients() in its three conventions. Small images worked by hand from each library's documented
 * formula (border pixels included), then one image checked against numbers OpenCV and scikit-image
 * produced themselves (test/fixtures/edges-reference.json, with the script that made it).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import {
  convolve2d,
  correlate2d,
  filters,
  gradients,
  padBorder,
  steerKernel,
  tensor,
  threshold,
  toNested,
  Nested,
  Tensor,
  seededRandom,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';

const rows = (n: number, row: number[]) => Array.from({ length: n }, () => row.slice());
const s = Math.sqrt;

// dark left, bright right: a vertical edge between columns 1 and 2
const step = tensor(rows(3, [0, 0, 1, 1]), 'float64');
// a ramp: every column one brighter than the last — its border pixels show the border modes apart
const ramp = tensor(rows(3, [0, 1, 2, 3]), 'float64');
// one bright pixel in the top-left corner of a 3×3: every output pixel sees the border
const corner = tensor(
  [
    [1, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ],
  'float64',
);

describe("gradients, convention 'lecture' (filters.sobelX/sobelY, cross-correlation, zero border)", () => {
  it('vertical step 0 0 1 1: gx = left − right weighted 1,2,1 (3 at the top/bottom rows, 4 inside)', () => {
    const g = gradients(step);
    // (0,1): left column 0 − right column (2·1 + 1·1, the row above is zero padding) = −3
    // (0,3): left column 2·1 + 1·1 = 3 − zero padding = 3: the zero border makes an edge of its own
    expect(toNested(g.gx)).to.deep.equal([
      [0, -3, -3, 3],
      [0, -4, -4, 4],
      [0, -3, -3, 3],
    ]);
    // gy = top − bottom; a row smoothed by 1,2,1 with zero ends is s = [0, 1, 3, 3];
    // row 0 is 0 (padding) − s, row 2 is s − 0, row 1 is s − s
    expect(toNested(g.gy)).to.deep.equal([
      [0, -1, -3, -3],
      [0, 0, 0, 0],
      [0, 1, 3, 3],
    ]);
    expectClose(
      g.magnitude,
      [
        [0, s(10), s(18), s(18)],
        [0, 4, 4, 4],
        [0, s(10), s(18), s(18)],
      ],
      { absolute: 1e-12 },
    );
  });

  it('ramp 0 1 2 3: the zero border turns the last column positive', () => {
    // row padded with zeros: 0 | 0 1 2 3 | 0 → left − right = [−1, −2, −2, 2], times 3 / 4 / 3
    const g = gradients(ramp);
    expect(toNested(g.gx)).to.deep.equal([
      [-3, -6, -6, 6],
      [-4, -8, -8, 8],
      [-3, -6, -6, 6],
    ]);
    // smoothed row (zero ends): [0+0+1, 0+2+2, 1+4+3, 2+6+0] = [1, 4, 8, 8]
    expect(toNested(g.gy)).to.deep.equal([
      [-1, -4, -8, -8],
      [0, 0, 0, 0],
      [1, 4, 8, 8],
    ]);
  });

  it('bright corner pixel: right of it gx = 2·1, below it gy = 2·1, diagonally 1 and 1 at 45°', () => {
    const g = gradients(corner);
    expect(toNested(g.gx)).to.deep.equal([
      [0, 2, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(toNested(g.gy)).to.deep.equal([
      [0, 0, 0],
      [2, 1, 0],
      [0, 0, 0],
    ]);
    expectClose(
      g.magnitude,
      [
        [0, 2, 0],
        [2, s(2), 0],
        [0, 0, 0],
      ],
      { absolute: 1e-12 },
    );
    expectClose(
      g.orientation,
      [
        [0, 0, 0],
        [90, 45, 0],
        [0, 0, 0],
      ],
      { absolute: 1e-12 },
    );
  });

  it('Scharr weighs 3, 10, 3: the step gives ∓13 on the edge rows and ∓16 inside', () => {
    const g = gradients(step, { kernel: 'scharr' });
    expect(toNested(g.gx)).to.deep.equal([
      [0, -13, -13, 13],
      [0, -16, -16, 16],
      [0, -13, -13, 13],
    ]);
  });

  it('keeps float32 by default and returns plain (H,W) tensors', () => {
    const g = gradients(tensor(rows(4, [0, 0, 10, 10])));
    for (const t of [g.gx, g.gy, g.magnitude, g.orientation]) {
      expect(t.shape).to.deep.equal([4, 4]);
      expect(t.data).to.be.instanceOf(Float32Array);
      expect(t.data.length).to.equal(16);
    }
  });
});

describe("gradients, convention 'opencv' (cv2.Sobel: right − left, bottom − top, BORDER_REFLECT_101)", () => {
  it('vertical step: dx = 4·(right − left) = 0 4 4 0, dy = 0 (reflect-101 rows are all alike)', () => {
    // row 0 0 1 1 extended reflect-101: 0 | 0 0 1 1 | 1 → right − left = [0−0, 1−0, 1−0, 1−1]
    const g = gradients(step, { convention: 'opencv' });
    expect(toNested(g.gx)).to.deep.equal(rows(3, [0, 4, 4, 0]));
    expect(toNested(g.gy)).to.deep.equal(rows(3, [0, 0, 0, 0]));
    expect(toNested(g.magnitude)).to.deep.equal(rows(3, [0, 4, 4, 0]));
    expect(toNested(g.orientation)).to.deep.equal(rows(3, [0, 0, 0, 0]));
  });

  it('ramp: 1 | 0 1 2 3 | 2 → right − left = 0 2 2 0, times 4; the border columns are flat', () => {
    const g = gradients(ramp, { convention: 'opencv' });
    expect(toNested(g.gx)).to.deep.equal(rows(3, [0, 8, 8, 0]));
  });

  it('bright corner pixel: reflect-101 mirrors it away from (0,0), dx = −2 to its right', () => {
    // only index 0 maps to the bright pixel (−1 ↦ 1), so gx(r, 1) = −w[r] with w = 2 (row 0), 1 (row 1)
    const g = gradients(corner, { convention: 'opencv' });
    expect(toNested(g.gx)).to.deep.equal([
      [0, -2, 0],
      [0, -1, 0],
      [0, 0, 0],
    ]);
    expect(toNested(g.gy)).to.deep.equal([
      [0, 0, 0],
      [-2, -1, 0],
      [0, 0, 0],
    ]);
    // cv2.phase range [0, 360): pointing left is 180°, up is 270°, up-left 225°
    expectClose(
      g.orientation,
      [
        [0, 180, 0],
        [270, 225, 0],
        [0, 0, 0],
      ],
      { absolute: 1e-12 },
    );
    expectClose(
      g.magnitude,
      [
        [0, 2, 0],
        [2, s(2), 0],
        [0, 0, 0],
      ],
      { absolute: 1e-12 },
    );
  });

  it('Scharr (cv2.Scharr / ksize=FILTER_SCHARR): a pixel 1 in a 5×5 gives 10 beside it and 3 diagonally', () => {
    const dot = zeros([5, 5], 'float64');
    dot.set(2, 2, 1);
    const g = gradients(dot, { convention: 'opencv', kernel: 'scharr' });
    expect([g.gx.get(2, 1), g.gx.get(1, 1), g.gx.get(2, 3), g.gy.get(1, 2), g.gy.get(3, 3)]).to.deep.equal([
      10, 3, -10, 10, -3,
    ]);
  });

  it('8-bit values in float32: gy on the first and last rows is exactly 0 (reflect-101 mirrors them onto themselves)', () => {
    const random = seededRandom(3);
    const image = tensor(
      Array.from({ length: 6 }, () => Array.from({ length: 7 }, () => random.int(256) / 255)),
    );
    const g = gradients(image, { convention: 'opencv' });
    const gy = toNested(g.gy) as number[][];
    expect(gy[0].concat(gy[5]).every((v) => v === 0)).to.equal(true);
    expect(
      gy[2].some((v) => v !== 0),
      'inside rows are not all flat',
    ).to.equal(true);
  });

  it('orientation of the four edge directions: bright right 0°, bright below 90°, bright left 180°, bright above 270°', () => {
    const at = (image: number[][]) =>
      gradients(tensor(image, 'float64'), { convention: 'opencv' }).orientation.get(1, 1);
    // 3×3 images, 1 in one column or one row and 0 elsewhere
    const column = (c: number) => [0, 1, 2].map(() => [0, 1, 2].map((w) => (w === c ? 1 : 0)));
    const row = (r: number) => [0, 1, 2].map((h) => [0, 1, 2].map(() => (h === r ? 1 : 0)));
    expect(at(column(2)), 'bright right').to.equal(0);
    expect(at(row(2)), 'bright below').to.equal(90);
    expect(at(column(0)), 'bright left').to.equal(180);
    expect(at(row(0)), 'bright above').to.equal(270);
  });
});

describe("gradients, convention 'skimage' (sobel_v / sobel_h: kernels ÷ 4, scipy 'reflect' border)", () => {
  it('vertical step: sobel_v = 0 1 1 0, sobel_h = 0, sobel() = sobel_v/√2', () => {
    // 0 | 0 0 1 1 | 1 (edge repeated) → right − left = [0, 1, 1, 0]; × (1+2+1)/4
    const g = gradients(step, { convention: 'skimage' });
    expect(toNested(g.gx)).to.deep.equal(rows(3, [0, 1, 1, 0]));
    expect(toNested(g.gy)).to.deep.equal(rows(3, [0, 0, 0, 0]));
    expectClose(g.magnitude, rows(3, [0, Math.SQRT1_2, Math.SQRT1_2, 0]), { absolute: 1e-12 });
  });

  it('ramp: 0 | 0 1 2 3 | 3 → right − left = 1 2 2 1 (where OpenCV has 0 8 8 0)', () => {
    const g = gradients(ramp, { convention: 'skimage' });
    expect(toNested(g.gx)).to.deep.equal(rows(3, [1, 2, 2, 1]));
    expectClose(
      g.magnitude,
      rows(
        3,
        [1, 2, 2, 1].map((v) => v / s(2)),
      ),
      { absolute: 1e-12 },
    );
  });

  it('bright corner pixel: the repeated edge puts it on both sides, gx(0,0) = −(1+2)/4', () => {
    // rows −1 and 0 both read row 0 (weights 1 + 2 = 3), row 0 is read by row 1 with weight 1;
    // columns 0 and 1 both see the pixel on their left only: right − left = −1
    const g = gradients(corner, { convention: 'skimage' });
    expect(toNested(g.gx)).to.deep.equal([
      [-0.75, -0.75, 0],
      [-0.25, -0.25, 0],
      [0, 0, 0],
    ]);
    expect(toNested(g.gy)).to.deep.equal([
      [-0.75, -0.25, 0],
      [-0.75, -0.25, 0],
      [0, 0, 0],
    ]);
    // √((gx² + gy²)/2): (0,0) √((0.5625 + 0.5625)/2) = 0.75, (0,1) √((0.5625 + 0.0625)/2)
    expectClose(
      g.magnitude,
      [
        [0.75, s(0.3125), 0],
        [s(0.3125), 0.25, 0],
        [0, 0, 0],
      ],
      { absolute: 1e-12 },
    );
  });

  it('Scharr ÷ 16: a pixel 1 in a 5×5 gives 10/16 beside it and 3/16 diagonally', () => {
    const dot = zeros([5, 5], 'float64');
    dot.set(2, 2, 1);
    const g = gradients(dot, { convention: 'skimage', kernel: 'scharr' });
    expect([g.gx.get(2, 1), g.gx.get(1, 1), g.gx.get(2, 3), g.gy.get(3, 2)]).to.deep.equal([
      0.625, 0.1875, -0.625, -0.625,
    ]);
  });
});

describe('gradients against the libraries themselves (fixture made with cv2 4.6.0 and skimage 0.19.3)', () => {
  const fixture = JSON.parse(
    fs.readFileSync(path.join(__dirname, 'fixtures', 'edges-reference.json'), 'utf8'),
  ) as {
    image: number[][];
    cases: { convention: 'opencv' | 'skimage'; kernel: 'sobel' | 'scharr'; [k: string]: unknown }[];
  };
  const image = tensor(fixture.image, 'float64');
  for (const c of fixture.cases) {
    it(`${c.convention} ${c.kernel}: gx, gy, magnitude${c.orientation ? ', orientation' : ''} on a 5×6 image`, () => {
      const g = gradients(image, { convention: c.convention, kernel: c.kernel });
      expectClose(g.gx, c.gx as Nested, { absolute: 1e-9 });
      expectClose(g.gy, c.gy as Nested, { absolute: 1e-9 });
      expectClose(g.magnitude, c.magnitude as Nested, { absolute: 1e-9 });
      if (c.orientation) {
        // cv2.phase approximates atan2 (documented accuracy about 0.3°); angles compare round the circle
        const expected = c.orientation as number[][];
        (toNested(g.orientation) as number[][]).forEach((row, i) =>
          row.forEach((angle, j) => {
            const apart = Math.abs(angle - expected[i][j]) % 360;
            expect(Math.min(apart, 360 - apart), `orientation at [${i},${j}]`).to.be.at.most(0.3);
          }),
        );
      }
    });
  }
});

describe('gradients, relations between the conventions (random images)', () => {
  const randomImage = (seed: number, height: number, width: number): Tensor => {
    const random = seededRandom(seed);
    return tensor(
      Array.from({ length: height }, () => Array.from({ length: width }, () => random.uniform())),
      'float64',
    );
  };
  const inner = (t: Tensor) => toNested(t.hi(t.shape[0] - 1, t.shape[1] - 1).lo(1, 1));

  it('inside the border: opencv = −lecture, skimage = opencv ÷ 4 (Sobel) or ÷ 16 (Scharr)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 3, max: 8 }),
        (seed, h, w) => {
          const image = randomImage(seed, h, w);
          for (const [kernel, scale] of [
            ['sobel', 4],
            ['scharr', 16],
          ] as const) {
            const lecture = gradients(image, { kernel });
            const opencv = gradients(image, { kernel, convention: 'opencv' });
            const skimage = gradients(image, { kernel, convention: 'skimage' });
            for (const axis of ['gx', 'gy'] as const) {
              const negated = (inner(lecture[axis]) as number[][]).map((r) => r.map((v) => -v));
              expectClose(inner(opencv[axis]), negated, { absolute: 1e-12 });
              const scaled = (inner(skimage[axis]) as number[][]).map((r) => r.map((v) => v * scale));
              expectClose(inner(opencv[axis]), scaled, { absolute: 1e-12 });
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("with the same border, everywhere: opencv = 4 × skimage, and skimage's magnitude = opencv's ÷ (4√2)", () => {
    const image = randomImage(11, 5, 7);
    const opencv = gradients(image, { convention: 'opencv', border: 'reflect' });
    const skimage = gradients(image, { convention: 'skimage' });
    expectClose(
      opencv.gx,
      (toNested(skimage.gx) as number[][]).map((r) => r.map((v) => 4 * v)),
      { absolute: 1e-12 },
    );
    const expected = (toNested(opencv.magnitude) as number[][]).map((r) =>
      r.map((v) => v / (4 * Math.SQRT2)),
    );
    expectClose(skimage.magnitude, expected, { absolute: 1e-12 });
  });

  it('lecture gx/gy = correlate2d(zero-padded, filters.sobelX/Y); opencv = convolve2d(reflect-101-padded, …)', () => {
    const random = seededRandom(21);
    const image = tensor(
      Array.from({ length: 7 }, () => Array.from({ length: 9 }, () => random.int(256) / 255)),
    );
    const lecture = gradients(image, { kernel: 'scharr' });
    expectClose(lecture.gx, correlate2d(padBorder(image, 1, 'zero'), filters.scharrX), { absolute: 1e-5 });
    expectClose(lecture.gy, correlate2d(padBorder(image, 1, 'zero'), filters.scharrY), { absolute: 1e-5 });
    const opencv = gradients(image, { convention: 'opencv' });
    expectClose(opencv.gx, convolve2d(padBorder(image, 1, 'reflect-101'), filters.sobelX), {
      absolute: 1e-5,
    });
    expectClose(opencv.gy, convolve2d(padBorder(image, 1, 'reflect-101'), filters.sobelY), {
      absolute: 1e-5,
    });
  });

  it('steering: correlating with steerKernel(θ) gives cos θ·gx + sin θ·gy (lecture convention)', () => {
    const image = randomImage(5, 6, 6);
    const g = gradients(image);
    for (const degrees of [0, 30, 45, 90, 135, 200]) {
      const steered = correlate2d(padBorder(image, 1, 'zero'), steerKernel(degrees, { base: 'sobel' }));
      const t = (degrees * Math.PI) / 180;
      const expected = (toNested(g.gx) as number[][]).map((r, i) =>
        r.map((v, j) => Math.cos(t) * v + Math.sin(t) * g.gy.get(i, j)),
      );
      expectClose(steered, expected, { absolute: 1e-5 }); // the steered kernel is float32
    }
  });
});

describe('threshold', () => {
  it('is 1 where the value is above t (OpenCV THRESH_BINARY, maxval 1), 0 otherwise, t itself included in 0', () => {
    const m = tensor([
      [0, 0.5, 0.51],
      [2, -1, 0.5],
    ]);
    expect(toNested(threshold(m, 0.5))).to.deep.equal([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(m.get(1, 0), 'the input is not changed').to.equal(2);
  });
});

describe('gradients and threshold bad input', () => {
  it('names the function, the problem and the shapes', () => {
    expect(() => gradients(zeros([4, 4, 3]))).to.throw(
      'gradients: image must be gray (H,W) or (H,W,1), got 3 channels; use toGray(image) first (image [4,4,3])',
    );
    expect(() => gradients(zeros([1, 4, 4, 1]))).to.throw(
      'gradients: image must have 2 or 3 dimensions, got 4 (image [1,4,4,1])',
    );
    expect(() => gradients(zeros([4, 4]), { kernel: 'prewitt' as 'sobel' })).to.throw(
      `gradients: kernel must be 'sobel' or 'scharr', got "prewitt"`,
    );
    expect(() => gradients(zeros([4, 4]), { convention: 'matlab' as 'opencv' })).to.throw(
      `gradients: convention must be 'lecture', 'opencv' or 'skimage', got "matlab"`,
    );
    expect(() => gradients(zeros([4, 4]), { border: 'wrap' as 'zero' })).to.throw(
      /^gradients: border must be one of .* got "wrap"/,
    );
    expect(() => gradients([[1]] as never)).to.throw(/^gradients: image must be an ndarray/);
    expect(() => threshold(zeros([2, 2]), NaN)).to.throw(
      'threshold: t must be a number, got null (values [2,2])',
    );
  });

  it('accepts (H,W,1) as gray and gives the (H,W) result', () => {
    const g = gradients(
      tensor(
        [
          [[0], [0], [1]],
          [[0], [0], [1]],
        ],
        'float64',
      ),
      { convention: 'opencv' },
    );
    expect(toNested(g.gx)).to.deep.equal([
      [0, 4, 0],
      [0, 4, 0],
    ]);
  });
});
