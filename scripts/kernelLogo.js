// Draws the kernel's logo: the lecture's vertical-edge filter [[1,0,-1],[1,0,-1],[1,0,-1]] as a
// 3×3 grid (warm = +1, grey = 0, cool = -1). Jupyter shows it next to the kernel's name.
// Run once with `node scripts/kernelLogo.js`; the PNGs are committed in kernels/convlab/.
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');

const filter = [
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
];
const colours = { 1: [239, 130, 47], 0: [200, 200, 205], '-1': [49, 118, 200] };
const border = [40, 44, 52];

function drawLogo(size) {
  const png = new PNG({ width: size, height: size });
  const gap = Math.max(1, Math.round(size / 16));
  const cell = (size - 4 * gap) / 3;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Which cell (if any) the pixel falls in; pixels in the gaps are the border colour.
      const col = Math.floor((x - gap) / (cell + gap));
      const row = Math.floor((y - gap) / (cell + gap));
      const inCellX = x - gap - col * (cell + gap) < cell;
      const inCellY = y - gap - row * (cell + gap) < cell;
      const inside = col >= 0 && col < 3 && row >= 0 && row < 3 && inCellX && inCellY;
      const [r, g, b] = inside ? colours[filter[row][col]] : border;
      const i = 4 * (y * size + x);
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

for (const size of [32, 64]) {
  const file = path.join(__dirname, '..', 'kernels', 'convlab', `logo-${size}x${size}.png`);
  fs.writeFileSync(file, drawLogo(size));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
