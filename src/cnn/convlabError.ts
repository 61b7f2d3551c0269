import { inspect } from 'util';

/** The shapes an error is about, by the name the message gives them: `{ input: [1,6,6,1] }`. */
export type ErrorShapes = Readonly<Record<string, readonly number[]>>;

// Marks a convlab error in every copy of the library (src and dist, or two installs): a registered
// symbol is the same in each, so `instanceof` can recognise an error made by another copy.
const brand: unique symbol = Symbol.for('convlab.ConvlabError') as never;

/** `[1,6,6,1]` — how every error message prints a shape. */
export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** ` (input [1,6,6,1], filter [3,3,3,8])` — how every error message lists its shapes at its end. */
export function shapesText(shapes: ErrorShapes): string {
  const entries = Object.entries(shapes);
  if (entries.length === 0) return '';
  return ` (${entries.map(([name, shape]) => `${name} ${shapeString(shape)}`).join(', ')})`;
}

/**
 * What the library throws when it is called wrongly: the function called (`fn`), what is wrong in
 * the caller's terms (`problem`) and the shapes involved (`shapes`, may be empty). The message is
 * `fn: problem (name [shape], ...)`. A caller that passes an error on under its own name builds
 * from these fields (`new ConvlabError('correlate2d', error.problem, { image: ... })`), never from
 * the message text.
 *
 * In a notebook it prints as one line without a stack (`ConvlabError: conv2d: ...`): tslab prints a
 * thrown error with `console.error`, which asks `inspect` for the text, and a stack through tslab's
 * internals says nothing to a student about their call. Other errors keep their stack.
 */
export class ConvlabError extends Error {
  override name = 'ConvlabError';
  /** The library function that refused, as the user called it: `'conv2d'`. */
  readonly fn: string;
  /** What is wrong, without the function's name or the shapes: `'filter has 3 input channels but ...'`. */
  readonly problem: string;
  /** The shapes listed after the problem, by name. */
  readonly shapes: ErrorShapes;

  constructor(fn: string, problem: string, shapes: ErrorShapes = {}, options?: ErrorOptions) {
    super(`${fn}: ${problem}${shapesText(shapes)}`, options);
    this.fn = fn;
    this.problem = problem;
    // copies: the error keeps the shapes as they were when it was thrown
    this.shapes = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, [...shape]]));
  }

  get [brand](): true {
    return true;
  }

  /** Also true for an error of the same class made by another copy of the library. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(brand in value)) return false;
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      if (proto.constructor?.name === this.name) return true;
    }
    return false;
  }

  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}
