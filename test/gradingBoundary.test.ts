/**
 * The pieces of the grading kernel's OS boundary (kernels/grading/kernels/convlab-grade/), each on its
 * own: the ZMTP message counter the proxy stops floods with, the seccomp filter, the control group,
 * and the probe the grader asks which protections this machine can give. The whole boundary, with
 * real kernels and hostile submissions, is test/gradingRun.test.ts.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from './jupyter/helpers';

const folder = path.join(repoRoot, 'kernels', 'grading', 'kernels', 'convlab-grade');
/* eslint-disable @typescript-eslint/no-require-imports -- the launcher's plain-JS modules */
const { ZmtpCounter } = require(path.join(folder, 'kernelProxy.js')) as {
  ZmtpCounter: new () => { push(chunk: Buffer): void; messages: number };
};
const { seccompFilter } = require(path.join(folder, 'seccompFilter.js')) as {
  seccompFilter: (arch?: string) => Buffer | null;
};
const { createKernelCgroup } = require(path.join(folder, 'kernelCgroup.js')) as {
  createKernelCgroup: (options: { name: string; memoryBytes: number; maxTasks: number }) => {
    error?: string;
    procsFiles: string[];
    remove(): void;
  } | null;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const hasBwrap = spawnSync('bwrap', ['--version']).status === 0;

/** A ZMTP 3 frame: flags (more, long size, command) + size + body. */
function frame(body: Buffer, { more = false, command = false } = {}): Buffer {
  const long = body.length > 255;
  const flags = (more ? 1 : 0) | (long ? 2 : 0) | (command ? 4 : 0);
  const size = Buffer.alloc(long ? 8 : 1);
  if (long) size.writeBigUInt64BE(BigInt(body.length));
  else size.writeUInt8(body.length);
  return Buffer.concat([Buffer.from([flags]), size, body]);
}

describe('grading boundary: the proxy counts whole ZMTP messages', () => {
  /** A greeting, a READY command, then `count` Jupyter-like messages of 7 frames, one of them long. */
  function stream(count: number): Buffer {
    const parts = [Buffer.alloc(64, 1), frame(Buffer.from('\x05READY'), { command: true })];
    for (let i = 0; i < count; i++) {
      for (let f = 0; f < 6; f++) parts.push(frame(Buffer.from(`part ${f}`), { more: true }));
      parts.push(frame(Buffer.alloc(300 + i, 120)));
    }
    return Buffer.concat(parts);
  }

  it('Does it count 25 messages, whole or cut into chunks of any size, and not the command?', () => {
    const bytes = stream(25);
    for (const chunkSize of [bytes.length, 1, 7, 64, 65, 1000]) {
      const counter = new ZmtpCounter();
      for (let at = 0; at < bytes.length; at += chunkSize) counter.push(bytes.subarray(at, at + chunkSize));
      expect(counter.messages, `chunks of ${chunkSize}`).to.equal(25);
    }
  });

  it('Does a message still in flight not count yet?', () => {
    const bytes = stream(2);
    const counter = new ZmtpCounter();
    counter.push(bytes.subarray(0, bytes.length - 10));
    expect(counter.messages).to.equal(1);
    counter.push(bytes.subarray(bytes.length - 10));
    expect(counter.messages).to.equal(2);
  });
});

describe('grading boundary: the seccomp filter', () => {
  it('is whole BPF instructions on x86_64, and absent (reported missing) elsewhere', () => {
    const filter = seccompFilter('x64')!;
    expect(filter.length % 8).to.equal(0);
    // the first instruction loads the architecture (offset 4 of seccomp_data)
    expect([filter.readUInt16LE(0), filter.readUInt32LE(4)]).to.deep.equal([0x20, 4]);
    expect(seccompFilter('arm64')).to.equal(null);
  });

  it('Inside bubblewrap with it, does Node run while a new namespace is refused?', function () {
    if (!hasBwrap || process.arch !== 'x64') {
      // npm test installs bubblewrap with apt where it can; the filter is written for x86_64
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-seccomp-'));
    try {
      const file = path.join(dir, 'filter.bpf');
      fs.writeFileSync(file, seccompFilter()!);
      const base = [
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--unshare-all',
        '--seccomp',
        '3',
      ];
      // bwrap reads the filter to its end: a fresh descriptor for each sandbox
      const run = (command: string[]) => {
        const fd = fs.openSync(file, 'r');
        try {
          return spawnSync('bwrap', [...base, ...command], {
            stdio: ['ignore', 'pipe', 'pipe', fd],
            encoding: 'utf8',
          });
        } finally {
          fs.closeSync(fd);
        }
      };
      const node = run([process.execPath, '-e', 'console.log(6 * 7)']);
      expect(node.stdout.trim(), node.stderr).to.equal('42');
      const unshare = run(['unshare', '--user', 'true']);
      expect(unshare.status).not.to.equal(0);
      expect(unshare.stderr).to.match(/unshare failed: Operation not permitted/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('grading boundary: the control group', () => {
  it('Does a kernel group get its memory and task limits, and go away when asked?', function () {
    const group = createKernelCgroup({ name: `test-${process.pid}`, memoryBytes: 256 << 20, maxTasks: 32 });
    if (!group || group.error) {
      // creating groups needs root or a delegated subtree; the probe reports it missing then
      this.skip();
    }
    try {
      const dirs = group!.procsFiles.map((file) => path.dirname(file));
      const read = (name: string) =>
        dirs.map((dir) => path.join(dir, name)).find((file) => fs.existsSync(file));
      const memory = read('memory.max') ?? read('memory.limit_in_bytes');
      expect(Number(fs.readFileSync(memory!, 'utf8'))).to.equal(256 << 20);
      expect(fs.readFileSync(read('pids.max')!, 'utf8').trim()).to.equal('32');
    } finally {
      group!.remove();
    }
    expect(group!.procsFiles.some((file) => fs.existsSync(path.dirname(file)))).to.equal(false);
  });
});

describe('grading boundary: the probe (launch.js --probe)', () => {
  const probe = (env: NodeJS.ProcessEnv = {}) =>
    JSON.parse(
      spawnSync(process.execPath, [path.join(folder, 'launch.js'), '--probe'], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      }).stdout,
    ) as { boundary: string; missing: string[]; detail: string };

  it('Without bubblewrap, does it say the OS boundary is missing and what that allows?', () => {
    const report = probe({ CONVLAB_BWRAP: '/nonexistent/bwrap' });
    expect(report.boundary).to.equal('node');
    expect(report.detail).to.equal('/nonexistent/bwrap: not installed');
    expect(report.missing[0]).to.match(/^OS boundary \(bubblewrap\): native code in a submission/);
  });

  it('With bubblewrap (as npm test installs it on Debian), is nothing missing?', function () {
    if (!hasBwrap) this.skip(); // the fallback is tested above
    expect(probe()).to.deep.equal({ boundary: 'bubblewrap', missing: [], detail: '' });
  });
});
