/**
 * The kernel playground is an HTML string with its own JavaScript. It is checked three ways: as a
 * string (inputs, embedded image, initial kernel), its correlation code run in Node against the
 * library's correlate2d (test/runCorrelateJs.test.ts, through the library's runCorrelateJs), and —
 * where /usr/bin/chromium exists — in a real browser, typing into it.
 */
import { expect } from 'chai';
import {
  correlate2d,
  CORRELATE_JS,
  DisplayData,
  filters,
  kernelPlayground,
  plotlyScriptTag,
  rand,
  reshape,
  showHtml,
  tensor,
  Tensor,
  toNested,
  zeros,
} from '../src/index';
import { expectClose } from './helpers/close';
import { chromiumMissing, launchChromium } from './helpers/chromium';

/** The JSON settings object the widget's script starts from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function settingsOf(html: string): any {
  const match = /var s = (\{.*\});\n/.exec(html);
  expect(match, 'settings line in the script').to.not.equal(null);
  return JSON.parse(match![1]);
}

describe('kernelPlayground()', () => {
  const image = rand([10, 12], 3, 0, 1);

  it('has nine number inputs holding the initial kernel (default: the lecture’s vertical filter)', () => {
    const html = kernelPlayground(image, { id: 'pg' });
    const inputs = [...html.matchAll(/<input type="number"[^>]*id="pg-k-(\d)-(\d)"[^>]*value="([^"]*)"/g)];
    expect(inputs.map((m) => [Number(m[1]), Number(m[2]), Number(m[3])])).to.deep.equal([
      [0, 0, 1],
      [0, 1, 0],
      [0, 2, -1],
      [1, 0, 1],
      [1, 1, 0],
      [1, 2, -1],
      [2, 0, 1],
      [2, 1, 0],
      [2, 2, -1],
    ]);
  });

  it('starts from a given kernel, e.g. Scharr x', () => {
    const html = kernelPlayground(image, { id: 'pg', kernel: filters.scharrX });
    const values = [...html.matchAll(/id="pg-k-\d-\d"[^>]*value="([^"]*)"/g)].map((m) => Number(m[1]));
    expect(values).to.deep.equal([3, 0, -3, 10, 0, -10, 3, 0, -3]);
  });

  it('embeds the image as its float32 values, row-major, with its size and the padding', () => {
    const html = kernelPlayground(image, { id: 'pg' });
    const s = settingsOf(html);
    expect([s.height, s.width, s.f, s.pad]).to.deep.equal([10, 12, 3, 1]);
    const bytes = Buffer.from(s.image, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(decoded)).to.deep.equal(Array.from(image.data));
  });

  it('accepts a (H,W,1) image and pad "valid"', () => {
    const s = settingsOf(kernelPlayground(reshape(image, [10, 12, 1]), { id: 'pg', pad: 'valid' }));
    expect([s.height, s.width, s.pad]).to.deep.equal([10, 12, 0]);
  });

  it('carries the correlation code and the preset kernels (vertical first)', () => {
    const html = kernelPlayground(image, { id: 'pg' });
    expect(html).to.contain(CORRELATE_JS.split('\n')[0]);
    expect(settingsOf(html).presets[0]).to.deep.equal([1, 0, -1, 1, 0, -1, 1, 0, -1]);
    expect(html).to.match(/<button[^>]*id="pg-preset-2"[^>]*>Sobel x<\/button>/);
  });

  it('gives every widget its own ids by default', () => {
    const idOf = (html: string) => /<div id="([^"]+)" class="convlab-kernel-playground"/.exec(html)![1];
    expect(idOf(kernelPlayground(image))).to.not.equal(idOf(kernelPlayground(image)));
  });

  it('throws on an RGB image, a too large image, a kernel that is not 3×3 and a bad id', () => {
    expect(() => kernelPlayground(zeros([8, 8, 3]))).to.throw(
      /kernelPlayground: image must be gray .* got 3 channels \(image \[8,8,3\]\)/,
    );
    expect(() => kernelPlayground(zeros([300, 300]))).to.throw(
      /kernelPlayground: image has 90000 pixels, more than 65536 .*downsample/,
    );
    expect(() =>
      kernelPlayground(image, {
        kernel: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).to.throw(/kernelPlayground: kernel must be 3×3, got 2×2/);
    expect(() => kernelPlayground(image, { id: '1 bad' })).to.throw(/kernelPlayground: id must be letters/);
    expect(() => kernelPlayground(zeros([2, 2]), { pad: 'valid' })).to.throw(
      /kernelPlayground: the 3×3 kernel does not fit in the padded image 2×2/,
    );
  });
});

describe('showHtml()', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  let sent: { content: DisplayData; update: boolean }[];
  beforeEach(() => {
    sent = [];
    jupyter.lastWriteDisplayData = (content: DisplayData, update: boolean) => sent.push({ content, update });
  });
  afterEach(() => {
    jupyter.lastWriteDisplayData = null;
  });

  it('sends the HTML as text/html with a text/plain line', () => {
    showHtml('<b>hi</b>', { text: 'hi' });
    expect(sent).to.have.length(1);
    expect(sent[0].update).to.equal(false);
    expect(sent[0].content.data).to.deep.equal({ 'text/html': '<b>hi</b>', 'text/plain': 'hi' });
  });

  it('Does the playground load plotly.js itself, from the page or the Jupyter server?', () => {
    const html = kernelPlayground(zeros([4, 4]));
    expect(html).to.contain('convlabLoadPlotly().then(start');
    expect(html).to.not.contain(plotlyScriptTag().slice(0, 500));
  });

  it('throws on an empty string', () => {
    expect(() => showHtml(' ')).to.throw(/showHtml: expected a non-empty HTML string/);
  });
});

describe('kernelPlayground() in a browser (chromium)', function () {
  this.timeout(60000);
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.warn(`  the browser test is skipped: ${missing}`);
      this.skip();
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('draws image ∗ kernel, redraws as a value is typed, fills a preset, and flags a non-number', async () => {
    const image = tensor(
      Array.from({ length: 8 }, (_, r) => Array.from({ length: 9 }, (_, c) => ((r * 7 + c * 3) % 5) / 4)),
    );
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.setContent(
      `<html><body>${plotlyScriptTag()}${kernelPlayground(image, { id: 'pg' })}</body></html>`,
    );
    const plotted = async (): Promise<number[][]> => {
      await page.waitForFunction(() => {
        const plot = document.getElementById('pg-plot') as unknown as { data?: unknown[] };
        return !!plot && Array.isArray(plot.data) && plot.data.length === 2;
      });
      return page.evaluate(
        () => (document.getElementById('pg-plot') as unknown as { data: { z: number[][] }[] }).data[1].z,
      );
    };
    const rounded = (t: Tensor) =>
      (toNested(t) as number[][]).map((row) => row.map((v) => Math.round(v * 1e4) / 1e4));

    expectClose(await plotted(), rounded(correlate2d(image, filters.vertical, { pad: 'same' })), {
      absolute: 1e-9,
    });

    await page.fill('#pg-k-1-1', '4'); // centre weight 0 → 4: fires an input event, as typing does
    const typed = tensor([
      [1, 0, -1],
      [1, 4, -1],
      [1, 0, -1],
    ]);
    expectClose(await plotted(), rounded(correlate2d(image, typed, { pad: 'same' })), { absolute: 1e-9 });
    expect(await page.textContent('#pg-code')).to.equal(
      'const kernel = cl.tensor([[1, 0, -1], [1, 4, -1], [1, 0, -1]]);',
    );

    await page.click('#pg-preset-3'); // Sobel y
    expectClose(await plotted(), rounded(correlate2d(image, filters.sobelY, { pad: 'same' })), {
      absolute: 1e-9,
    });
    expect(await page.inputValue('#pg-k-0-1')).to.equal('2');

    await page.fill('#pg-k-0-0', '');
    expect(await page.textContent('#pg-status')).to.equal('Type a number in every box.');
    expect(await page.$eval('#pg-k-0-0', (e: HTMLElement) => e.style.background)).to.not.equal('');
    expect(errors).to.deep.equal([]);
  });
});
