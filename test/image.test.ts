/** Reading and writing images, gray conversion, shrinking, and the shipped samples. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import {
  downsample,
  imagePath,
  readImage,
  resize,
  sampleImages,
  seededRandom,
  tensor,
  toGray,
  toNested,
  writePng,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';

let folder = '';
const inFolder = (name: string) => path.join(folder, name);

// Writes a PNG with pngjs directly, in a colour type and bit depth of our choosing.
function rawPng(
  file: string,
  width: number,
  height: number,
  colorType: 0 | 2 | 4 | 6,
  bitDepth: 8 | 16,
  samples: number[],
) {
  const png = new PNG({ width, height });
  png.data = bitDepth === 16 ? Buffer.from(new Uint16Array(samples).buffer) : Buffer.from(samples);
  fs.writeFileSync(
    file,
    PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: colorType >= 4, bitDepth }),
  );
}

describe('images (files in a temporary folder)', () => {
  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-image-'));
  });
  after(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  describe('writePng then readImage (round trip within 1/255)', () => {
    const random = seededRandom(1);
    const values = (h: number, w: number, c: number) =>
      Array.from({ length: h }, () =>
        Array.from({ length: w }, () => Array.from({ length: c }, () => random.uniform())),
      );

    for (const channels of [1, 3]) {
      it(`(5,7,${channels}) in [0,1] comes back as (5,7,${channels}) float32`, () => {
        const image = tensor(values(5, 7, channels));
        writePng(inFolder(`round${channels}.png`), image);
        const back = readImage(inFolder(`round${channels}.png`));
        expect(back.shape).to.deep.equal([5, 7, channels]);
        expect(back.data).to.be.instanceOf(Float32Array);
        expectClose(back, image, { absolute: 0.5 / 255 + 1e-7 });
      });
    }

    it('(H,W) writes as gray and reads back as (H,W,1)', () => {
      const image = tensor([
        [0, 0.25, 0.5],
        [0.75, 1, 1],
      ]);
      writePng(inFolder('gray2d.png'), image);
      const back = readImage(inFolder('gray2d.png'));
      expect(back.shape).to.deep.equal([2, 3, 1]);
      // round(0.25·255) = 64 → 64/255
      expect(toNested(back.pick(null, null, 0))).to.deep.equal(
        [
          [0, 64, 128],
          [191, 255, 255],
        ].map((r) => r.map((v) => Math.fround(v / 255))),
      );
    });

    it("clips to [0,1] by default; scale 'minmax' stretches min → 0 and max → 1", () => {
      const signed = tensor([[-2, 0, 0.5, 3]]);
      writePng(inFolder('clip.png'), signed);
      expectClose(readImage(inFolder('clip.png')).pick(null, null, 0), [[0, 0, 128 / 255, 1]], {
        absolute: 1e-7,
      });
      writePng(inFolder('minmax.png'), signed, { scale: 'minmax' });
      // (v + 2)/5 → 0, 0.4, 0.5, 1 → bytes 0, 102, 128 (127.5 rounds up), 255
      expectClose(readImage(inFolder('minmax.png')).pick(null, null, 0), [[0, 102 / 255, 128 / 255, 1]], {
        absolute: 1e-7,
      });
    });

    it('RGBA keeps its alpha only when asked', () => {
      const rgba = tensor([
        [
          [1, 0, 0, 0.2],
          [0, 1, 0, 1],
        ],
      ]);
      writePng(inFolder('rgba.png'), rgba);
      expect(readImage(inFolder('rgba.png')).shape).to.deep.equal([1, 2, 3]);
      const kept = readImage(inFolder('rgba.png'), { alpha: 'keep' });
      expectClose(
        kept,
        [
          [
            [1, 0, 0, 51 / 255],
            [0, 1, 0, 1],
          ],
        ],
        { absolute: 1e-7 },
      );
    });

    it('returns the absolute path it wrote', () => {
      const written = writePng(path.relative(process.cwd(), inFolder('relative.png')), zeros([1, 1]));
      expect(written).to.equal(inFolder('relative.png'));
    });
  });

  describe('readImage on PNG colour types and depths made with pngjs', () => {
    it('gray + alpha (colour type 4): alpha dropped → C=1, kept → C=2', () => {
      rawPng(inFolder('ga.png'), 2, 1, 4, 8, [0, 255, 255, 51]);
      expect(toNested(readImage(inFolder('ga.png')))).to.deep.equal([[[0], [1]]]);
      expect(toNested(readImage(inFolder('ga.png'), { alpha: 'keep' }))).to.deep.equal([
        [
          [0, 1],
          [1, Math.fround(0.2)],
        ],
      ]);
    });

    it('16-bit gray keeps all 16 bits: 1/65535 is not rounded to 0', () => {
      rawPng(inFolder('gray16.png'), 4, 1, 0, 16, [0, 1, 32768, 65535]);
      const back = readImage(inFolder('gray16.png'));
      expect(back.shape).to.deep.equal([1, 4, 1]);
      expect(Array.from(back.data)).to.deep.equal([0, 1 / 65535, 32768 / 65535, 1].map(Math.fround));
    });

    it('16-bit RGB reads as (H,W,3) divided by 65535', () => {
      rawPng(inFolder('rgb16.png'), 1, 1, 2, 16, [65535, 256, 0]);
      expect(Array.from(readImage(inFolder('rgb16.png')).data)).to.deep.equal(
        [1, 256 / 65535, 0].map(Math.fround),
      );
    });
  });

  describe('readImage on JPEG', () => {
    it("a JPEG made by jpeg-js's encoder reads back close to what was encoded (quality 100), even named .png", () => {
      const width = 8;
      const height = 8;
      const rgba = Buffer.alloc(width * height * 4);
      for (let h = 0; h < height; h++) {
        for (let w = 0; w < width; w++) {
          const at = (h * width + w) * 4;
          rgba[at] = 30 * w; // red grows to the right
          rgba[at + 1] = 30 * h; // green grows downwards
          rgba[at + 2] = 128;
          rgba[at + 3] = 255;
        }
      }
      // the format is told by the bytes FF D8 FF, not by the name
      fs.writeFileSync(inFolder('actually-a-jpeg.png'), jpeg.encode({ width, height, data: rgba }, 100).data);
      const back = readImage(inFolder('actually-a-jpeg.png'));
      expect(back.shape).to.deep.equal([8, 8, 3]);
      const expected = Array.from({ length: height }, (_, h) =>
        Array.from({ length: width }, (_, w) => [30 * w, 30 * h, 128].map((v) => v / 255)),
      );
      expectClose(back, expected, { absolute: 6 / 255 }); // JPEG is lossy even at quality 100
    });

    it('a gray (one-component) JPEG reads as C=1', () => {
      // Made with Pillow: Image.fromarray([[0,64,128,255],[255,128,64,0],[32,32,200,200]], 'L').save(f, 'JPEG', quality=100)
      const grayJpeg =
        '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAADAAQBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APqP/glb8KtJ+M37C3wb+LWteOv2gPhz4l8fah8VdU8R+H/2Zf2ov2k/2PPhGb/SvjB498KafPoHwE/ZN+K/wW+Bng77P4c8PaHo4i8H/DrQoZLHSbGKWOT7PGR//9k=';
      fs.writeFileSync(inFolder('gray.jpg'), Buffer.from(grayJpeg, 'base64'));
      const back = readImage(inFolder('gray.jpg'));
      expect(back.shape).to.deep.equal([3, 4, 1]);
      const encoded = [
        [0, 64, 128, 255],
        [255, 128, 64, 0],
        [32, 32, 200, 200],
      ];
      expectClose(
        back.pick(null, null, 0),
        encoded.map((r) => r.map((v) => v / 255)),
        { absolute: 3 / 255 },
      );
    });
  });

  describe('the shipped sample images', () => {
    it('camera is 512×512 gray, astronaut 512×512 RGB, coins 303×384 gray — pixels as Pillow reads them', () => {
      const camera = readImage(imagePath('camera'));
      expect(camera.shape).to.deep.equal([512, 512, 1]);
      // Pillow: np.array(Image.open('camera.png'))[0,0], [100,200], [511,511] = 200, 54, 149
      expect([camera.get(0, 0, 0), camera.get(100, 200, 0), camera.get(511, 511, 0)]).to.deep.equal(
        [200, 54, 149].map((v) => Math.fround(v / 255)),
      );
      const astronaut = readImage(imagePath('astronaut.png'));
      expect(astronaut.shape).to.deep.equal([512, 512, 3]);
      // Pillow: [0,0] = (154,147,151), [256,256] = (19,14,7)
      expect(toNested(astronaut.pick(0, 0))).to.deep.equal([154, 147, 151].map((v) => Math.fround(v / 255)));
      expect(toNested(astronaut.pick(256, 256))).to.deep.equal([19, 14, 7].map((v) => Math.fround(v / 255)));
      expect(readImage(imagePath('coins')).shape).to.deep.equal([303, 384, 1]);
    });

    it('imagePath is absolute, exists, and lists all six names', () => {
      expect(sampleImages()).to.deep.equal(['astronaut', 'brick', 'camera', 'chelsea', 'coffee', 'coins']);
      const file = imagePath('chelsea');
      expect(path.isAbsolute(file)).to.equal(true);
      expect(fs.existsSync(file)).to.equal(true);
      expect(file.endsWith(path.join('data', 'images', 'chelsea.png'))).to.equal(true);
    });
  });

  describe('toGray', () => {
    const primaries = tensor(
      [
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 1, 1],
        ],
      ],
      'float64',
    );

    it('BT.601 (default, OpenCV / Pillow): red 0.299, green 0.587, blue 0.114, white 1', () => {
      expectClose(toGray(primaries), [[0.299, 0.587, 0.114, 1]], { absolute: 1e-12 });
    });

    it("'bt709' (scikit-image's rgb2gray): red 0.2125, green 0.7154, blue 0.0721", () => {
      expectClose(toGray(primaries, { luma: 'bt709' }), [[0.2125, 0.7154, 0.0721, 1]], { absolute: 1e-12 });
    });

    it('ignores alpha; (H,W,1) and gray+alpha take the gray channel; (H,W) is copied', () => {
      expectClose(toGray(tensor([[[0, 1, 0, 0.1]]])), [[0.587]], { absolute: 1e-7 });
      expect(toNested(toGray(tensor([[[0.5], [0.25]]])))).to.deep.equal([[0.5, 0.25]]);
      expect(toNested(toGray(tensor([[[0.5, 0.9]]])))).to.deep.equal([[0.5]]);
      const flat = tensor([[0.5]]);
      const copied = toGray(flat);
      copied.set(0, 0, 0);
      expect(flat.get(0, 0)).to.equal(0.5);
    });

    it('astronaut to gray is 512×512, each pixel the BT.601 mix of its RGB', () => {
      const astronaut = readImage(imagePath('astronaut'));
      const gray = toGray(astronaut);
      expect(gray.shape).to.deep.equal([512, 512]);
      const mix = (0.299 * 19 + 0.587 * 14 + 0.114 * 7) / 255;
      expect(gray.get(256, 256)).to.be.closeTo(mix, 1e-6);
    });
  });

  describe('downsample and resize', () => {
    const grid = tensor([
      [1, 2, 3, 4, 9],
      [5, 6, 7, 8, 9],
      [9, 10, 11, 12, 9],
      [13, 14, 15, 16, 9],
      [9, 9, 9, 9, 9],
    ]);

    it("'box' f=2 on 5×5 averages each 2×2 block → 2×2 (the fifth row and column are dropped)", () => {
      expect(toNested(downsample(grid, 2))).to.deep.equal([
        [3.5, 5.5],
        [11.5, 13.5],
      ]);
    });

    it("'nearest' f=2 keeps each block's top-left pixel; an (H,W,C) image stays 3-D", () => {
      expect(toNested(downsample(grid, 2, { method: 'nearest' }))).to.deep.equal([
        [1, 3],
        [9, 11],
      ]);
      const rgb = tensor([
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [10, 11, 12],
        ],
      ]);
      expect(toNested(downsample(rgb, 2))).to.deep.equal([[[5.5, 6.5, 7.5]]]);
    });

    it('a 512×512 photo by 4 is 128×128', () => {
      expect(downsample(readImage(imagePath('camera')), 4).shape).to.deep.equal([128, 128, 1]);
    });

    it('resize by nearest neighbour at pixel centres: 2×2 → 4×4 repeats, 4×4 → 2×2 samples rows/cols 1 and 3', () => {
      expect(
        toNested(
          resize(
            tensor([
              [1, 2],
              [3, 4],
            ]),
            4,
            4,
          ),
        ),
      ).to.deep.equal([
        [1, 1, 2, 2],
        [1, 1, 2, 2],
        [3, 3, 4, 4],
        [3, 3, 4, 4],
      ]);
      const sixteen = tensor(
        Array.from({ length: 4 }, (_, h) => Array.from({ length: 4 }, (_, w) => 4 * h + w)),
      );
      expect(toNested(resize(sixteen, 2, 2))).to.deep.equal([
        [5, 7],
        [13, 15],
      ]);
    });
  });

  describe('image bad input', () => {
    it('a missing file: names the absolute path', () => {
      const missing = inFolder('nope.png');
      expect(() => readImage(missing)).to.throw(`readImage: no such file ${missing}`);
    });

    it('not an image: shows the first bytes; an empty file says so; a folder is not a file', () => {
      fs.writeFileSync(inFolder('notes.png'), 'hello, world');
      expect(() => readImage(inFolder('notes.png'))).to.throw(
        `readImage: ${inFolder('notes.png')} is neither a PNG nor a JPEG (first bytes 68 65 6c 6c 6f 2c 20 77)`,
      );
      fs.writeFileSync(inFolder('empty.jpg'), '');
      expect(() => readImage(inFolder('empty.jpg'))).to.throw(
        /is neither a PNG nor a JPEG \(the file is empty\)/,
      );
      expect(() => readImage(folder)).to.throw(`readImage: ${folder} is not a file`);
    });

    it('a PNG signature followed by garbage: cannot decode, with the path', () => {
      fs.writeFileSync(
        inFolder('broken.png'),
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
      );
      expect(() => readImage(inFolder('broken.png'))).to.throw(
        `readImage: cannot decode ${inFolder('broken.png')}: `,
      );
    });

    it('bad options and arguments name the function', () => {
      expect(() => readImage('')).to.throw('readImage: path must be a non-empty string, got ""');
      expect(() => readImage(imagePath('camera'), { alpha: 'yes' as 'keep' })).to.throw(
        `readImage: alpha must be 'drop' or 'keep', got "yes"`,
      );
      expect(() => imagePath('lena')).to.throw(
        /^imagePath: no sample image "lena" in .*; there are 'astronaut', 'brick', 'camera', 'chelsea', 'coffee', 'coins'$/,
      );
    });

    it('writePng: wrong dimensions, too many channels, NaN, unknown scale', () => {
      expect(() => writePng(inFolder('x.png'), zeros([1, 2, 2, 3]))).to.throw(
        'writePng: image must have 2 or 3 dimensions, got 4 (image [1,2,2,3])',
      );
      expect(() => writePng(inFolder('x.png'), zeros([2, 2, 5]))).to.throw(
        'writePng: image must be (H,W) or (H,W,C) with C = 1…4 and H, W > 0, got [2,2,5]',
      );
      const withNaN = zeros([2, 2, 3]);
      withNaN.set(1, 0, 2, NaN);
      expect(() => writePng(inFolder('x.png'), withNaN)).to.throw(
        'writePng: value NaN at [1,0,2] is not a finite number (image [2,2,3])',
      );
      expect(() => writePng(inFolder('x.png'), zeros([2, 2]), { scale: 'auto' as 'clip' })).to.throw(
        `writePng: scale must be 'clip' or 'minmax', got "auto"`,
      );
      expect(() => writePng(path.join(folder, 'no-such-folder', 'x.png'), zeros([2, 2]))).to.throw(
        /^writePng: cannot write .*no-such-folder.*ENOENT/,
      );
      expect(fs.existsSync(inFolder('x.png')), 'nothing was written').to.equal(false);
    });

    it('toGray, downsample, resize: shapes and sizes in the message', () => {
      expect(() => toGray(zeros([2, 2, 5]))).to.throw(
        'toGray: image must have 1, 2, 3 or 4 channels, got 5 (image [2,2,5])',
      );
      expect(() => toGray(zeros([2, 2]), { luma: 'srgb' as 'bt601' })).to.throw(
        `toGray: luma must be 'bt601' or 'bt709', got "srgb"`,
      );
      expect(() => downsample(zeros([4, 6]), 5)).to.throw(
        'downsample: factor must be an integer from 1 to 4 (the smaller side), got 5 (image [4,6])',
      );
      expect(() => downsample(zeros([4, 6]), 1.5)).to.throw(/factor must be an integer/);
      expect(() => downsample(zeros([4, 6]), 2, { method: 'bilinear' as 'box' })).to.throw(
        `downsample: method must be 'box' or 'nearest', got "bilinear"`,
      );
      expect(() => resize(zeros([4, 6]), 0, 3)).to.throw(
        'resize: outHeight must be a positive integer, got 0 (image [4,6])',
      );
    });
  });
});
