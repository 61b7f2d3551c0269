/**
 * tslab reports a failed cell only as `execute_reply.status: 'error'` plus text on stderr — it
 * sends no `error` message. Notebook tools (nbconvert, the grader, Jupyter's UI) look for an
 * `error` output, so the runner builds one from that stderr text.
 */
import { ErrorOutput } from './notebookFormat';

/** `Error: boom`, `TypeError: x is not a function`, `RangeError [ERR_X]: ...`. */
const JS_ERROR_LINE = /^\s*(?:Uncaught\s+)?([A-Z][\w$]*(?:Error|Exception)|Error)(?:\s*\[[\w]+\])?: (.*)$/;
/** tslab's TypeScript diagnostics: `1:7 - Cannot find name 'foo'.` */
const TS_DIAGNOSTIC_LINE = /^\s*(\d+:\d+) - (.*)$/;

/** Stack frames inside Node's vm module and tslab itself: they say nothing about the student's code. */
const KERNEL_FRAME = /^\s+at .*(\(node:vm:|node_modules[\\/]tslab[\\/]|sigintHandlersWrap)/;

/** Stderr text without the kernel's own stack frames. */
export function trimKernelFrames(stderr: string): string {
  const kept: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!KERNEL_FRAME.test(line)) kept.push(line);
    // Node prints an error's extra properties as `    at last.frame {` … `  code: 'X'` … `}`: the
    // brace must survive its frame, or the properties hang without their opening line.
    else if (line.endsWith(' {') && kept.length > 0) kept[kept.length - 1] += ' {';
  }
  return kept.join('\n');
}

/** An nbformat `error` output from a failed cell's stderr text; `traceback` keeps its lines. */
export function errorFromStderr(stderr: string): ErrorOutput {
  const lines = trimKernelFrames(stderr).replace(/\n$/, '').split('\n');
  for (const line of lines) {
    const js = JS_ERROR_LINE.exec(line);
    // a trailing ` {` opens the error's extra properties (see trimKernelFrames): not the message
    if (js)
      return { output_type: 'error', ename: js[1], evalue: js[2].replace(/ \{$/, ''), traceback: lines };
  }
  for (const line of lines) {
    const ts = TS_DIAGNOSTIC_LINE.exec(line);
    if (ts)
      return {
        output_type: 'error',
        ename: 'TypeScriptError',
        evalue: `${ts[1]} ${ts[2]}`,
        traceback: lines,
      };
  }
  const first =
    lines.find((line) => line.trim() !== '') ?? 'the kernel reported an error and printed nothing';
  return { output_type: 'error', ename: 'Error', evalue: first.trim(), traceback: lines };
}
