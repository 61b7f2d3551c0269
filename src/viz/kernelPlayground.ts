import { randomBytes } from 'crypto';
import { filters, FilterName } from '../cnn/filters';
import { resolvePad } from '../cnn/shape';
import { checkTensor, shapeString, Tensor } from '../cnn/tensor';
import { MatrixLike, toRows } from './figure';
import { loadPlotlyJs, trustHint } from './figureHtml';
import { DIVERGING_SCALE, GRAY_SCALE } from './heatmap';
import { ConvlabError } from '../cnn/convlabError';
import { escapeHtml } from './escapeHtml';
import { scriptSafe } from './scriptSafe';

/**
 * The JavaScript the playground runs in the page to correlate the image with the typed kernel.
 * It defines `correlate2dJs(image, height, width, kernel, f, pad)`: `image` is the (H,W) image as a
 * flat row-major array, `kernel` the f×f kernel as a flat row-major array of f·f numbers, `pad` the
 * zero padding on every side. It returns `{ values, height, width }` with `values` a flat row-major
 * Float64Array of (H + 2·pad − f + 1) × (W + 2·pad − f + 1) numbers.
 *
 * It is the arithmetic of the library's `correlate2d(image, kernel, { pad })` with stride 1 — no flip,
 * pixels outside the image count as 0:
 * out[yR][yC] = Σ_wR Σ_wC image[yR + wR − pad][yC + wC − pad] · kernel[wR][wC].
 * test/kernelPlayground.test.ts runs this very text against `correlate2d`.
 */
export const CORRELATE_JS = `function correlate2dJs(image, height, width, kernel, f, pad) {
  var outHeight = height + 2 * pad - f + 1;
  var outWidth = width + 2 * pad - f + 1;
  var values = new Float64Array(Math.max(outHeight, 0) * Math.max(outWidth, 0));
  for (var yR = 0; yR < outHeight; yR++) {
    for (var yC = 0; yC < outWidth; yC++) {
      var sum = 0;
      for (var wR = 0; wR < f; wR++) {
        var xR = yR + wR - pad; // the row of the unpadded image under this kernel row
        if (xR < 0 || xR >= height) continue; // zero padding adds nothing
        for (var wC = 0; wC < f; wC++) {
          var xC = yC + wC - pad;
          if (xC < 0 || xC >= width) continue;
          sum += image[xR * width + xC] * kernel[wR * f + wC];
        }
      }
      values[yR * outWidth + yC] = sum;
    }
  }
  return { values: values, height: outHeight, width: outWidth };
}`;

/** The most pixels the playground embeds: 256×256 float32 is about 350 kB in the page. */
export const PLAYGROUND_MAX_PIXELS = 256 * 256;

/** The buttons under the kernel: the lecture's filters plus three classics. */
const PRESETS: { label: string; values: number[][] }[] = [
  ...(
    [
      ['vertical', 'vertical'],
      ['horizontal', 'horizontal'],
      ['Sobel x', 'sobelX'],
      ['Sobel y', 'sobelY'],
      ['Scharr x', 'scharrX'],
      ['Scharr y', 'scharrY'],
    ] as [string, FilterName][]
  ).map(([label, name]) => ({ label, values: toRows('kernelPlayground', name, filters[name]) })),
  {
    label: 'identity',
    values: [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ],
  },
  {
    label: 'blur',
    values: [
      [1 / 9, 1 / 9, 1 / 9],
      [1 / 9, 1 / 9, 1 / 9],
      [1 / 9, 1 / 9, 1 / 9],
    ],
  },
  {
    label: 'sharpen',
    values: [
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ],
  },
];

export interface KernelPlaygroundOptions {
  /** The 3×3 kernel the inputs start with (default the lecture's vertical filter). */
  kernel?: MatrixLike;
  /** Zero padding: a number, `'valid'` or `'same'` (default `'same'`: the result lines up with the image). */
  pad?: number | 'valid' | 'same';
  /** A heading above the widget. */
  title?: string;
  /** The prefix of every element id (default a random one, so that a page can hold several widgets). */
  id?: string;
}

/** A kernel value as the input shows it: short, and exact for the lecture's integers. */
function inputValue(v: number): string {
  return String(Number(v.toPrecision(4)) + 0);
}

/** The image as base64 of its float32 values, row-major: what the page decodes into a Float32Array. */
function float32Base64(rows: number[][]): string {
  const values = Float32Array.from(rows.flat());
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/**
 * An editable 3×3 kernel next to a gray image and the image correlated with it, as an HTML fragment
 * that works without a running kernel (a notebook exported to HTML, a static course page): nine
 * number inputs, preset buttons (the lecture's filters, identity, blur, sharpen), and a Plotly
 * figure that the page's own JavaScript redraws with `Plotly.react` as the student types.
 * The image travels in the page as float32 values; the correlation is `CORRELATE_JS`, the same
 * arithmetic as `correlate2d`. plotly.js comes from the page or the Jupyter server (`loadPlotlyJs`).
 * Show it in a notebook with `showHtml(kernelPlayground(image))`.
 *
 * `image` is (H,W) or (H,W,1) with at most 256×256 pixels: `downsample` a photo first.
 */
export function kernelPlayground(image: Tensor, options: KernelPlaygroundOptions = {}): string {
  const fn = 'kernelPlayground';
  checkTensor(fn, 'image', image, [2, 3]);
  if (image.dimension === 3 && image.shape[2] !== 1) {
    throw new ConvlabError(
      fn,
      `image must be gray (H,W) or (H,W,1), got ${image.shape[2]} channels (image ${shapeString(image.shape)}); use toGray(image) first`,
    );
  }
  const gray = image.dimension === 3 ? image.pick(null, null, 0) : image;
  const [height, width] = gray.shape;
  if (height * width > PLAYGROUND_MAX_PIXELS) {
    throw new ConvlabError(
      fn,
      `image has ${height * width} pixels, more than ${PLAYGROUND_MAX_PIXELS} (256×256) (image ${shapeString(image.shape)}); shrink it with downsample(image, factor)`,
    );
  }
  const rows = toRows(fn, 'image', gray);
  const kernel = toRows(fn, 'kernel', options.kernel ?? filters.vertical);
  if (kernel.length !== 3 || kernel[0].length !== 3) {
    throw new ConvlabError(fn, `kernel must be 3×3, got ${kernel.length}×${kernel[0].length}`);
  }
  const f = 3;
  const pad = resolvePad(fn, options.pad ?? 'same', f);
  if (f > height + 2 * pad || f > width + 2 * pad) {
    throw new ConvlabError(
      fn,
      `the 3×3 kernel does not fit in the padded image ${height + 2 * pad}×${width + 2 * pad} (image ${shapeString(image.shape)}, pad ${pad})`,
    );
  }
  const id = options.id ?? `convlab-playground-${randomBytes(6).toString('hex')}`;
  if (!/^[A-Za-z][\w-]*$/.test(id)) {
    throw new ConvlabError(
      fn,
      `id must be letters, digits, - or _ and start with a letter, got ${JSON.stringify(id)}`,
    );
  }

  const inputs = kernel
    .map((row, wR) =>
      row
        .map(
          (v, wC) =>
            `<input type="number" step="any" id="${id}-k-${wR}-${wC}" class="convlab-kernel-input" ` +
            `data-row="${wR}" data-col="${wC}" value="${inputValue(v)}" aria-label="kernel row ${wR} column ${wC}" ` +
            `style="width:64px;font:14px monospace;text-align:right">`,
        )
        .join(''),
    )
    .join('\n');
  const buttons = PRESETS.map(
    (p, i) =>
      `<button type="button" id="${id}-preset-${i}" data-preset="${i}" style="margin:2px;font:12px sans-serif">${escapeHtml(p.label)}</button>`,
  ).join('');
  const title = options.title
    ? `<div style="font-weight:bold;margin-bottom:6px">${escapeHtml(options.title)}</div>`
    : '';
  const plotWidth = 620; // with the 240 px of controls, fits a notebook output area in one row
  const plotHeight = Math.round(Math.min(420, Math.max(240, ((plotWidth / 2 - 60) * height) / width + 80)));

  const settings = {
    id,
    height,
    width,
    f,
    pad,
    image: float32Base64(rows),
    presets: PRESETS.map((p) => p.values.flat()),
    grayScale: GRAY_SCALE,
    divergingScale: DIVERGING_SCALE,
    plotWidth,
    plotHeight,
  };
  const script = `(function () {
var s = ${JSON.stringify(settings)};
${CORRELATE_JS}
function el(suffix) { return document.getElementById(s.id + suffix); }
function decode(base64) {
  var text = atob(base64);
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
var image = decode(s.image);
function toRows(values, h, w, map) {
  var rows = [];
  for (var r = 0; r < h; r++) {
    var row = new Array(w);
    for (var c = 0; c < w; c++) row[c] = map(values[r * w + c]);
    rows.push(row);
  }
  return rows;
}
function inputAt(wR, wC) { return el('-k-' + wR + '-' + wC); }
// the kernel as typed, or null while an input holds something that is not a number
function readKernel() {
  var kernel = [];
  var ok = true;
  for (var wR = 0; wR < s.f; wR++) {
    for (var wC = 0; wC < s.f; wC++) {
      var input = inputAt(wR, wC);
      var v = input.value.trim() === '' ? NaN : Number(input.value);
      var bad = !isFinite(v);
      input.style.background = bad ? '#fdd' : '';
      if (bad) ok = false;
      kernel.push(v);
    }
  }
  return ok ? kernel : null;
}
var imageRows = toRows(image, s.height, s.width, function (v) { return v; });
var drawn = false;
function draw() {
  var kernel = readKernel();
  if (!kernel) { el('-status').textContent = 'Type a number in every box.'; return; }
  var out = correlate2dJs(image, s.height, s.width, kernel, s.f, s.pad);
  var absolute = el('-abs').checked;
  var low = Infinity, high = -Infinity;
  for (var i = 0; i < out.values.length; i++) {
    var v = absolute ? Math.abs(out.values[i]) : out.values[i];
    if (v < low) low = v;
    if (v > high) high = v;
  }
  var reach = Math.max(Math.abs(low), Math.abs(high)) || 1;
  var z = toRows(out.values, out.height, out.width, function (v) {
    return Math.round((absolute ? Math.abs(v) : v) * 1e4) / 1e4;
  });
  var result = {
    type: 'heatmap', z: z, xaxis: 'x2', yaxis: 'y2',
    colorscale: absolute ? s.grayScale : s.divergingScale,
    zmin: absolute ? 0 : -reach, zmax: reach,
    colorbar: { thickness: 12, outlinewidth: 0, x: 1.0 },
    hovertemplate: 'output [%{y}, %{x}]: %{z}<extra></extra>'
  };
  var original = {
    type: 'heatmap', z: imageRows, colorscale: s.grayScale, showscale: false,
    hovertemplate: 'image [%{y}, %{x}]: %{z}<extra></extra>'
  };
  var axis = { showgrid: false, zeroline: false, constrain: 'domain' };
  function yAxis(anchor) {
    return { showgrid: false, zeroline: false, constrain: 'domain', autorange: 'reversed', scaleanchor: anchor, anchor: anchor };
  }
  var layout = {
    width: s.plotWidth, height: s.plotHeight, margin: { l: 40, r: 10, t: 30, b: 30 },
    xaxis: Object.assign({ domain: [0, 0.44] }, axis), yaxis: yAxis('x'),
    xaxis2: Object.assign({ domain: [0.52, 0.94], anchor: 'y2' }, axis), yaxis2: yAxis('x2'),
    annotations: [
      { text: 'image ' + s.height + '×' + s.width, x: 0.22, y: 1, xref: 'paper', yref: 'paper', yanchor: 'bottom', showarrow: false },
      { text: (absolute ? '|image ∗ kernel|' : 'image ∗ kernel') + ' ' + out.height + '×' + out.width, x: 0.73, y: 1, xref: 'paper', yref: 'paper', yanchor: 'bottom', showarrow: false }
    ]
  };
  window.Plotly.react(el('-plot'), [original, result], layout, { displaylogo: false });
  drawn = true;
  var rowsText = [];
  for (var r = 0; r < s.f; r++) rowsText.push('[' + kernel.slice(r * s.f, (r + 1) * s.f).join(', ') + ']');
  el('-code').textContent = 'const kernel = cl.tensor([' + rowsText.join(', ') + ']);';
  el('-status').textContent = 'output ' + out.height + '×' + out.width + ' (pad ' + s.pad + '): min ' +
    low.toPrecision(4) + ', max ' + high.toPrecision(4);
}
function start() {
  el('-note').style.display = 'none';
  el('-controls').style.display = '';
  var inputs = document.querySelectorAll('#' + s.id + ' .convlab-kernel-input');
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener('input', draw);
  el('-abs').addEventListener('change', draw);
  for (var p = 0; p < s.presets.length; p++) {
    (function (values, button) {
      button.addEventListener('click', function () {
        for (var k = 0; k < values.length; k++) {
          inputAt(Math.floor(k / s.f), k % s.f).value = String(Number(values[k].toPrecision(4)));
        }
        draw();
      });
    })(s.presets[p], el('-preset-' + p));
  }
  draw();
}
${loadPlotlyJs}
// wait until the output is on the page, then for plotly.js (from the page, or the Jupyter server)
var waited = 0;
(function wait() {
  if (!el('-plot')) {
    waited += 50;
    if (waited < 10000) setTimeout(wait, 50);
    return;
  }
  convlabLoadPlotly().then(start, function () {
    el('-note').textContent = 'plotly.js could not be loaded here: open the notebook in Jupyter started by ' +
      'npm start, or the HTML pages of the course.';
  });
})();
})();`;

  return [
    `<div id="${id}" class="convlab-kernel-playground" style="font:13px sans-serif">`,
    title,
    `<div id="${id}-note" style="padding:1em;border:1px dashed #999;color:#555">Kernel playground: an editable ` +
      `3×3 kernel and the ${height}×${width} image correlated with it. It is drawn by JavaScript, which did not run ` +
      `here: ${trustHint} or open the exported HTML in a browser.</div>`,
    `<div id="${id}-controls" style="display:none">`,
    `<div style="display:flex;gap:18px;align-items:flex-start;flex-wrap:wrap">`,
    `<div style="min-width:220px">`,
    `<div style="margin-bottom:4px">kernel (type to change it)</div>`,
    `<div style="display:grid;grid-template-columns:repeat(3,70px);gap:4px">\n${inputs}\n</div>`,
    `<div style="margin-top:8px;max-width:240px">${buttons}</div>`,
    `<label style="display:block;margin-top:6px"><input type="checkbox" id="${id}-abs"> show |result|</label>`,
    `<div id="${id}-status" style="margin-top:6px;color:#333"></div>`,
    `<code id="${id}-code" style="display:block;margin-top:6px;font-size:11px;word-break:break-all"></code>`,
    `</div>`,
    `<div id="${id}-plot" style="width:${plotWidth}px;height:${plotHeight}px"></div>`,
    `</div>`,
    `</div>`,
    `</div>`,
    `<script type="text/javascript">\n${scriptSafe(script)}\n</script>`,
  ].join('\n');
}
