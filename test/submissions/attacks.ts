/**
 * The attack suite: submissions a stranger would send to get points they did not earn or to harm the
 * teacher's machine, one or more per class the grader must stop (README, "What the grader protects
 * against"). Graded with the rest of the class in test/gradingRun.test.ts, in one run: each must
 * score 0, and the teacher's files, the other students' grades and the machine must not notice.
 *
 * An attack that scores points does so only when it worked (it returns the right answer only then),
 * so a grade above 0 is the test failing for a reason, not by chance.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook } from '../../src/jupyter/notebookFormat';
import { Student, add, honest, json, mul, solved, withSolutions } from './arithmetic';

/** A teacher's file outside the exercise folder that the native-code attack aims at (see the test). */
export const teacherFileName = 'teacher-notes.txt';

/** Code that records every script tslab compiles (hidden tests included), as the red team did. */
const captureCompiledCode = `const seen: string[] = [];
const vm = require('vm');
const run = vm.runInThisContext;
(vm as any).runInThisContext = (code: string, options: unknown) => {
  seen.push(String(code));
  return run.call(vm, code, options);
};
const stolen = () => seen.join('\\n');
const encoded = () => Buffer.from(stolen()).toString('base64');`;

export const attackers: Record<string, Student> = {
  // --- native code: zeromq's ipc bind unlinks whatever file has the name; any addon is a door ---
  /** Right only if it could load native code and replace the teacher's files with sockets. */
  bindsIpcOverTeacherFiles: {
    expected: [0, 0, 0],
    arithmetic: (released, paths) =>
      json(
        withSolutions(released, {
          add: add(`  const targets = [
    ${JSON.stringify(paths.source)},
    ${JSON.stringify(path.join(path.dirname(paths.source), teacherFileName))},
  ];
  let harmed = false;
  try {
    const zmq = require('zeromq');
    for (const target of targets) {
      const socket = new zmq.Router();
      socket.bind('ipc://' + target).then(() => (harmed = true), () => undefined);
    }
    harmed = true;
  } catch {
    // refused: try loading the addon by hand
  }
  for (const addon of ['glibc-115-Release', '115', '108'].map(
    (build) => '../../node_modules/zeromq/build/linux/x64/node/' + build + '/addon.node',
  )) {
    try {
      process.dlopen({ exports: {} } as any, require.resolve(addon));
      harmed = true;
    } catch {
      // refused
    }
  }
  return harmed ? a + b : 0;`),
          mul: mul('  return 0;'),
        }),
      ),
  },
  /** Right only if the kernel can reach a listening socket: the Jupyter server, another kernel. */
  reachesNetwork: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `const net = require('net');
let reached = false;
let listening: number[] = [];
try {
  listening = require('fs')
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\\n')
    .slice(1)
    .filter((line: string) => line.trim().split(/\\s+/)[3] === '0A')
    .map((line: string) => parseInt(line.trim().split(/\\s+/)[1].split(':')[1], 16));
} catch {
  // not readable
}
for (const port of [...listening, 8888, 80, 22]) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('connect', () => (reached = true));
  socket.on('error', () => undefined);
}
await new Promise((resolve) => setTimeout(resolve, 500));
${add('  return reached ? a + b : 0;')}`,
      mul: mul('  return 0;'),
    }),
  },

  // --- files handed in that are not notebooks ---
  /** A symlink to the teacher's own notebook: full points if the grader follows it. */
  symlinkToSource: {
    expected: [0, 0, 0],
    arithmetic: (_, paths) => {
      fs.symlinkSync(paths.source, path.join(paths.folder, 'arithmetic.ipynb'));
      return undefined;
    },
  },
  /** A symlink to a file of the grader's machine, hoping its text shows in the feedback. */
  symlinkToSystemFile: {
    expected: [0, 0, 0],
    arithmetic: (_, paths) => {
      fs.symlinkSync('/etc/passwd', path.join(paths.folder, 'arithmetic.ipynb'));
      return undefined;
    },
  },
  /** Took the grader to 6 GB before it was killed. */
  symlinkToDevZero: {
    expected: [0, 0, 0],
    arithmetic: (_, paths) => {
      fs.symlinkSync('/dev/zero', path.join(paths.folder, 'arithmetic.ipynb'));
      return undefined;
    },
  },
  /** A named pipe: reading it waits for a writer that never comes. */
  namedPipe: {
    expected: [0, 0, 0],
    arithmetic: (_, paths) => {
      execFileSync('mkfifo', [path.join(paths.folder, 'arithmetic.ipynb')]);
      return undefined;
    },
  },
  /** 100,000 cells: took the grader 70 s. */
  hundredThousandCells: {
    expected: [0, 0, 0],
    arithmetic: (released) => {
      const notebook = withSolutions(released, honest);
      const filler = { cell_type: 'markdown', source: 'x', metadata: {} };
      return JSON.stringify({ ...notebook, cells: [...notebook.cells, ...Array(100_000).fill(filler)] });
    },
  },
  /** JSON nested a million deep: a recursive parser's stack overflow. */
  deepJson: {
    expected: [0, 0, 0],
    arithmetic: () => `{"nbformat": 4, "cells": [], "x": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`,
  },

  // --- hidden tests leaking into the feedback ---
  /**
   * Captures the hidden tests as tslab compiles them and hides them, encoded, everywhere a grader
   * might copy text from: what it prints, its errors' messages and names, the values it records.
   * (The arithmetic exercise forbids zeroPad, which freezes vm, so the capture runs in greeting.)
   */
  hidesCapturedCode: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `${captureCompiledCode}
${add('  console.log(encoded());\n  const error = new Error(encoded());\n  error.name = encoded().slice(0, 40);\n  throw error;')}`,
      mul: mul('  return encoded() as any;'),
    }),
    greetingFile: (source) =>
      json(
        withSolutions(source, {
          greet: `${captureCompiledCode}
function greet(name: string): string {
  console.log(stolen(), encoded());
  if (name !== 'ada') throw new TypeError(stolen() + encoded());
  return 'hello ' + name + stolen();
}`,
        }),
      ),
  },

  // --- output floods ---
  /** Floods IOPub with display messages from a timer, between and during cells: took the grader to 4 GB. */
  floodsDisplays: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `const tslab = require('tslab');
const chunk = '<b>flood</b>'.repeat(2_000);
setInterval(() => {
  for (let i = 0; i < 200; i++) tslab.display.html(chunk);
}, 0);
${add('  return a + b;')}`,
      mul: mul('  return a * b;'),
    }),
  },

  // --- the library's own version of the function being taught (metadata.convlab.forbidden) ---
  /** Right only if the library's zeroPad answers a student's call. */
  callsForbidden: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: add('  return cl.zeroPad(cl.tensor([[a + b]]), 1).get(1, 1);'),
      mul: mul('  return cl.zeroPad(cl.tensor([[a * b]]), 1).get(1, 1);'),
    }),
  },
  /** Tries every other road to the forbidden function; right if any of them works. */
  launderForbidden: {
    expected: [0, 0, 0],
    arithmetic: solved({
      add: `const roads: Array<(x: any) => any> = [
  (x) => require('../../dist/cnn/zeroPad').zeroPad(x, 1),
  (x) => require.cache[Object.keys(require.cache).find((k) => k.endsWith('cnn/zeroPad.js'))!]!.exports.zeroPad(x, 1),
  (x) => (globalThis as any).__tslab__.exports.cl.zeroPad(x, 1),
  (x) => eval('cl.zeroPad')(x, 1),
  (x) => new Function('cl', 'x', 'return cl.zeroPad(x, 1)')(cl, x),
  (x) => require('vm').runInThisContext('(cl, x) => cl.zeroPad(x, 1)', { filename: 'convlab:teacher-cell' })(cl, x),
  (x) => {
    Error.prepareStackTrace = () => [];
    Error.stackTraceLimit = 0;
    return cl.zeroPad(x, 1);
  },
  (x) => {
    const M = require('module');
    const m = new M('/course/dist/cnn/zeroPad.js');
    m._compile('module.exports = (cl, x) => cl.zeroPad(x, 1);', '/course/dist/cnn/zeroPad.js');
    return m.exports(cl, x);
  },
  (x) => [x].map(cl.zeroPad.bind(null))[0],
  (x) => Reflect.apply(cl.zeroPad, null, [x, 1]),
];
function viaAnyRoad(value: number): number {
  for (const road of roads) {
    try {
      return road(cl.tensor([[value]])).get(1, 1);
    } catch {
      // refused: the next road
    }
  }
  return 0;
}
${add('  return viaAnyRoad(a + b);')}`,
      mul: mul('  return viaAnyRoad(a * b);'),
    }),
  },
};

/** A student folder that is a symlink to the honest student's: full points if the grader follows it. */
export function linkedFolderAttack(submissions: string): void {
  fs.symlinkSync(path.join(submissions, 'honest'), path.join(submissions, 'symlinkedFolder'));
}

/** The released notebook as a starting point for the attackers that need it. */
export type Released = Notebook;
