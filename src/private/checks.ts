import { Duration, Token } from 'aws-cdk-lib';
import { BatchValidationError, fmt, invalid } from './errors';

/**
 * Fails because two properties were given that cannot go together, naming both:
 * `` `jobQueue` cannot be used with `capacity`: ... ``.
 */
export function conflict(property: string, other: string, why: string): never {
  throw new BatchValidationError(`\`${property}\` cannot be used with \`${other}\`: ${why}`);
}

/** Fails with {@link conflict} for the first of `others` that is set. */
export function rejectWith(property: string, others: { [name: string]: unknown }, why: string): void {
  const given = Object.keys(others).find((name) => others[name] !== undefined);
  if (given !== undefined) { conflict(property, given, why); }
}

/** Checks that an integer is at least `min`, skipping unresolved tokens. */
export function checkMin(property: string, value: number | undefined, min: number): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Number.isInteger(value) || value < min) {
    invalid(property, `must be an integer of at least ${fmt(min)}`, String(value));
  }
}

/** Checks a duration in whole seconds, skipping unresolved tokens. */
export function checkSeconds(property: string, value: Duration | undefined, min: number, max?: number): void {
  if (value === undefined || value.isUnresolved()) { return; }
  const seconds = value.toSeconds();
  if (seconds < min || (max !== undefined && seconds > max)) {
    const allowed = max === undefined
      ? `must be at least ${fmt(min)} seconds`
      : `must be between ${fmt(min)} and ${fmt(max)} seconds`;
    invalid(property, allowed, `${fmt(seconds)} seconds`);
  }
}
