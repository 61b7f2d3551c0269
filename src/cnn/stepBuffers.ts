/**
 * Memory that one training step allocates, handed out again, in the same order, to the next step.
 *
 * A LeNet step at batch 64 makes about 6 MB of new arrays (activations, their gradients, the kernels'
 * results) that are garbage one step later. Fresh memory is not free: the operating system maps and
 * zeroes every new page on first touch (about 21 µs per 4 KiB page on this course's VM), and the garbage
 * collector then frees it. `model.fit` therefore runs each step's forward and backward pass inside
 * `reusingBuffers`: the i-th array a step asks for (tensor.ts's allocate and allocateUnfilled) is the
 * i-th array of the step before, when the dtype and length match (every step but an epoch's shorter last
 * batch), and a new one otherwise.
 *
 * This is safe only where nothing made during a step is still needed after the next step starts: in
 * `fit`, the layers' remembered activations and the parameters' gradients are replaced every step, and
 * the optimizer (which keeps its own state) runs outside. What a user can hold of them is a parameter's
 * `grad`, which the next training step overwrites in place (optimizers.ts says so); everything fit and
 * predict return is new.
 */
import { atCellEnd } from './atCellEnd';
import type { DType, FloatArray } from './tensor';

export class StepBuffers {
  private buffers: FloatArray[] = [];
  private next = 0;

  /** The next array of this step: last step's at the same position if it fits, else a new one. */
  take(dtype: DType, length: number, make: () => FloatArray): FloatArray {
    const i = this.next++;
    const old = this.buffers[i];
    const fits = old && old.length === length && old instanceof Float64Array === (dtype === 'float64');
    if (fits) return old;
    return (this.buffers[i] = make());
  }

  /** Starts a step: hands out the arrays from the first again. */
  restart(): void {
    this.next = 0;
  }
}

let active: StepBuffers | null = null;
const letGo = () => {
  active = null;
};

/** The buffers of the step that is running, if any (tensor.ts's allocate functions ask). */
export function activeStepBuffers(): StepBuffers | null {
  return active;
}

/**
 * Runs one training step's `body` with `buffers` handing out its arrays (see above). A Jupyter
 * interrupt stops a cell without running \`finally\` (tslab's breakOnSigint), which would leave these
 * buffers handing out arrays to the next cell's results, to be written over by the next fit: so a
 * microtask, which runs as soon as the cell's synchronous code has ended either way, lets go too.
 */
export function reusingBuffers<T>(buffers: StepBuffers, body: () => T): T {
  const before = active;
  active = buffers;
  buffers.restart();
  atCellEnd(letGo);
  try {
    return body();
  } finally {
    active = before;
  }
}
