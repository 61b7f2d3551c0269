#!/usr/bin/env node
// Starts the convlab kernel: the tslab that this clone installed in its own node_modules.
//
// Jupyter runs `node {resource_dir}/launch.js {connection_file}` (see kernel.json) and replaces
// {resource_dir} with this folder, so the kernel works wherever the repository was cloned and
// nothing has to be installed into the user's Jupyter. A global `tslab` on PATH is never used.
'use strict';
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error('convlab kernel: usage: node launch.js CONNECTION_FILE (Jupyter passes it)');
  process.exit(2);
}

// Before tslab loads: keeps a file appearing where an import once looked from breaking every later
// cell (see tslabTimers.js).
require('./tslabTimers').installTslabTimerFix();

let tslabMain;
try {
  tslabMain = require(require.resolve('tslab/dist/main.js', { paths: [repoRoot] }));
} catch (error) {
  console.error(
    `convlab kernel: tslab is not installed in ${repoRoot}/node_modules ` +
      `(${error.message.split('\n')[0]}). Run \`npm install\` (or \`npm start\`) in ${repoRoot}.`,
  );
  process.exit(1);
}

// enableFindLocal: false — we already picked the repo's tslab; don't let it search from the cwd.
tslabMain.startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false });
