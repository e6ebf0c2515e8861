import { Token } from 'aws-cdk-lib';

/**
 * Thrown when a construct is given a value that AWS would reject, at synth time.
 *
 * aws-cdk-lib's own `ValidationError` is internal, so the library has its own.
 */
export class BatchValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchValidationError';
  }
}

/**
 * Fails with a message that names the property, the value received and what is allowed:
 * `` `attempts` must be an integer between 1 and 10, got 0 ``.
 */
export function invalid(property: string, allowed: string, received: string): never {
  throw new BatchValidationError(`\`${property}\` ${allowed}, got ${received}`);
}

/**
 * Checks an integer range, skipping unresolved tokens. `maxText` says where the maximum comes from
 * when another property sets it.
 */
export function checkRange(property: string, value: number | undefined, min: number, max: number, maxText = fmt(max)): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(property, `must be an integer between ${fmt(min)} and ${maxText}`, String(value));
  }
}

/** Checks a string length in characters (as AWS counts them, not UTF-16 units), skipping unresolved tokens. */
export function checkLength(property: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const length = characters(value);
  if (length < min || length > max) {
    invalid(property, `must be ${fmt(min)} to ${fmt(max)} characters long`, `${JSON.stringify(value)} (${length})`);
  }
}

/**
 * The characters of a string, as AWS counts them in its length limits: code points, so that one
 * emoji is one character where `String.length` counts it as two.
 */
export function characters(value: string): number {
  return [...value].length;
}

/** Checks a list's length, skipping unresolved lists. */
export function checkCount(property: string, value: unknown[] | undefined, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (value.length > max) {
    invalid(property, `must have at most ${fmt(max)} entries`, `${value.length} entries`);
  }
}

/** Formats a limit the way AWS documents it: 10,000. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
