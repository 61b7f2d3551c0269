/**
 * How a test cell's recorded values reach the grader: a `display_data` output of its own MIME type,
 * sealed with AES-256-GCM under a key that only this kernel's sandbox folder holds.
 *
 * The seal is not what makes grading safe — a submission runs in the same process as the tests and
 * can emit whatever it likes. Safety comes from the grader comparing the values with the teacher's,
 * outside the kernel, and from the teacher's expected values never entering a student's kernel. The
 * seal keeps one kernel from reading another's values: Jupyter's IOPub sockets on 127.0.0.1 take
 * any subscriber, and an honest student's correct values must not help a cheat graded alongside.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';

/** The MIME type of a record output. */
export const recordMime = 'application/vnd.convlab.record+json';

/** The settings file a sandbox folder holds (read by kernels/grading/kernels/convlab-grade/launch.js and testKit). */
export const sandboxSettingsFile = 'convlab-sandbox.json';

/** What the grader writes into a sandbox's settings file (read by the launcher, guard.js and testKit). */
export interface SandboxSettings {
  /** The boundary the launcher builds around the kernel (see launch.js): 'node' is the fallback. */
  boundary: 'bubblewrap' | 'node';
  /** V8 heap limit of the kernel, MB. */
  heapMb: number;
  /** Memory limit of the kernel, MB (a control group where possible, else watched by the launcher). */
  memoryMb: number;
  /** Output the kernel may send in all (bytes, ZeroMQ messages) before the launcher stops it. */
  kernelOutputBytes: number;
  kernelOutputMessages: number;
  /** Library functions the student's cells may not call in this run (see guard.js). */
  forbidden: string[];
  /** sha256 (hex) of the source of every teacher cell this run sends: guard.js trusts only those. */
  teacherCells: string[];
  /** The record key, 64 hex digits. */
  recordKey: string;
}

export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

/** Encrypts and authenticates `text` (AES-256-GCM, fresh IV). */
export function seal(key: Buffer, text: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts a sealed record; throws if it was not sealed with `key` or was altered. */
export function unseal(key: Buffer, sealed: Sealed): string {
  if (
    typeof sealed !== 'object' ||
    sealed === null ||
    [sealed.iv, sealed.tag, sealed.data].some((s) => typeof s !== 'string')
  ) {
    throw new Error('unseal: not a sealed record');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}
