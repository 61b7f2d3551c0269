/**
 * Numeric command-line options: each one's default, domain and help in one table entry, checked
 * where it is parsed. A bad value is a usage error naming the option and the value, never a silent
 * 0 (`Math.floor(0.5)`) or NaN.
 */
import { UsageError } from './command';

/** A numeric option of a command (nbgrader keeps default, type and help in one trait; so do we). */
export interface NumberOption {
  default: number;
  /** Whole numbers only: `--jobs 0.5` is a usage error, not 0. */
  integer: boolean;
  /** What the value counts, shown in the usage line: `N`, `S` (seconds), `MB`, `BYTES`. */
  unit: string;
  help: string;
}

export type NumberOptions = Record<string, NumberOption>;

/** Parses a positive number option (`--timeout 30`, `--timeout 0.5`). */
export function positiveNumber(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`convlab ${command}: --${name} must be a positive number, got '${value}'`);
  }
  return number;
}

/** Parses a positive integer option (`--jobs 2`): `--jobs 0.5` is a usage error, not 0. */
export function positiveInteger(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  const number = positiveNumber(command, name, value, fallback);
  if (!Number.isSafeInteger(number)) {
    throw new UsageError(`convlab ${command}: --${name} must be a positive whole number, got '${value}'`);
  }
  return number;
}

/** `util.parseArgs` options for a table: every value arrives as text, for `readNumbers` to check. */
export function numberArguments<T extends NumberOptions>(
  table: T,
): { [name in keyof T]: { type: 'string' } } {
  return Object.fromEntries(Object.keys(table).map((name) => [name, { type: 'string' }])) as {
    [name in keyof T]: { type: 'string' };
  };
}

/** Each option's usage line, its default said once; the help starts at `column`. */
export function numberUsage(table: NumberOptions, column: number): string {
  return Object.entries(table)
    .map(
      ([name, option]) =>
        `  --${name} ${option.unit}`.padEnd(column) + `${option.help} (default ${option.default})`,
    )
    .join('\n');
}

/** Each option's value checked for its domain (integer where it must be, > 0); the default where absent. */
export function readNumbers<T extends NumberOptions>(
  command: string,
  table: T,
  values: { [name in keyof T]?: string },
): { [name in keyof T]: number } {
  const numbers = {} as { [name in keyof T]: number };
  for (const name of Object.keys(table) as Array<keyof T & string>) {
    const option = table[name];
    const parse = option.integer ? positiveInteger : positiveNumber;
    numbers[name] = parse(command, name, values[name], option.default);
  }
  return numbers;
}
