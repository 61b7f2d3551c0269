/**
 * Turns a kernel's IOPub messages into a cell's nbformat 4 outputs, the way Jupyter's own clients
 * do: consecutive stream text is merged, `update_display_data` rewrites the earlier output with the
 * same display id (in whichever cell it was shown), and `clear_output` empties the cell.
 */
import { errorFromStderr } from './errorFromStderr';
import {
  CodeCell,
  DisplayDataOutput,
  ErrorOutput,
  ExecuteResultOutput,
  MimeBundle,
  Output,
} from './notebookFormat';

interface DisplayContent {
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}

/** Collects outputs for the cells of one notebook, one cell at a time. */
export class OutputCollector {
  private cell: CodeCell | undefined;
  /** display_id → the outputs showing it, across the whole notebook. */
  private readonly displays = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();
  /** `clear_output(wait=true)`: clear just before the next output arrives. */
  private clearBeforeNextOutput = false;

  /** Starts collecting into `cell`, dropping whatever outputs it had. */
  startCell(cell: CodeCell): void {
    this.forgetDisplaysOf(cell);
    this.cell = cell;
    cell.outputs = [];
    this.clearBeforeNextOutput = false;
  }

  /** Handles one IOPub message; message types that carry no output are ignored. */
  handle(msgType: string, content: Record<string, unknown>): void {
    const cell = this.cell;
    if (!cell) return;
    switch (msgType) {
      case 'stream': {
        this.clearIfPending();
        const name = content.name as 'stdout' | 'stderr';
        const text = String(content.text ?? '');
        const last = cell.outputs[cell.outputs.length - 1];
        if (last?.output_type === 'stream' && last.name === name) last.text += text;
        else cell.outputs.push({ output_type: 'stream', name, text });
        break;
      }
      case 'display_data':
      case 'execute_result': {
        this.clearIfPending();
        const display = content as unknown as DisplayContent;
        const output: DisplayDataOutput | ExecuteResultOutput =
          msgType === 'display_data'
            ? { output_type: 'display_data', data: display.data, metadata: display.metadata ?? {} }
            : {
                output_type: 'execute_result',
                execution_count: (content.execution_count as number | undefined) ?? null,
                data: display.data,
                metadata: display.metadata ?? {},
              };
        cell.outputs.push(output);
        const id = display.transient?.display_id;
        if (id) this.displays.set(id, [...(this.displays.get(id) ?? []), output]);
        break;
      }
      case 'update_display_data': {
        const display = content as unknown as DisplayContent;
        const id = display.transient?.display_id;
        // An update for an id never shown is dropped, as in Jupyter's clients.
        for (const output of (id && this.displays.get(id)) || []) {
          output.data = display.data;
          output.metadata = display.metadata ?? {};
        }
        break;
      }
      case 'error':
        this.clearIfPending();
        cell.outputs.push({
          output_type: 'error',
          ename: String(content.ename ?? 'Error'),
          evalue: String(content.evalue ?? ''),
          traceback: (content.traceback as string[] | undefined) ?? [],
        });
        break;
      case 'clear_output':
        if (content.wait) this.clearBeforeNextOutput = true;
        else this.clearNow();
        break;
      default:
        break;
    }
  }

  /** The text this cell wrote to stderr so far. */
  stderrText(): string {
    return (this.cell?.outputs ?? [])
      .map((output) => (output.output_type === 'stream' && output.name === 'stderr' ? output.text : ''))
      .join('');
  }

  /**
   * Records that the cell failed. When the kernel sent no `error` output (tslab never does), the
   * cell's stderr becomes one: its stream outputs are folded into the error's traceback so the
   * message shows once, and `note` (e.g. "timed out after 5 s") is put first.
   */
  failCell(note?: string): ErrorOutput | undefined {
    const cell = this.cell;
    if (!cell) return undefined;
    const sent = cell.outputs.find((output): output is ErrorOutput => output.output_type === 'error');
    if (sent) return sent;
    const stderr = this.stderrText();
    const error = errorFromStderr(stderr);
    if (note) {
      error.traceback = [note, ...(stderr ? error.traceback : [])];
      if (!stderr) error.evalue = note;
    }
    cell.outputs = cell.outputs.filter(
      (output) => !(output.output_type === 'stream' && output.name === 'stderr'),
    );
    cell.outputs.push(error);
    return error;
  }

  private clearIfPending(): void {
    if (this.clearBeforeNextOutput) this.clearNow();
  }

  private clearNow(): void {
    this.clearBeforeNextOutput = false;
    if (!this.cell) return;
    this.forgetDisplaysOf(this.cell);
    this.cell.outputs = [];
  }

  /** Drops display-id links to outputs that are about to disappear. */
  private forgetDisplaysOf(cell: CodeCell): void {
    const gone = new Set<Output>(cell.outputs ?? []);
    for (const [id, outputs] of this.displays) {
      const kept = outputs.filter((output) => !gone.has(output));
      if (kept.length > 0) this.displays.set(id, kept);
      else this.displays.delete(id);
    }
  }
}
