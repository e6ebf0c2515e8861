import { Duration, Size, SizeRoundingBehavior, TimeConversionOptions, Token } from 'aws-cdk-lib';
import { BatchValidationError, checkLength, fmt, invalid } from './errors';
import { EVALUATE_ON_EXIT_PATTERN_MAX_LENGTH, EVALUATE_ON_EXIT_REASON_PATTERN, RESERVED_ENV_PREFIX } from './limits';

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

/**
 * Checks that an integer is at least `min`, skipping unresolved tokens. `where` says when the rule
 * holds, if not always.
 */
export function checkMin(property: string, value: number | undefined, min: number, where?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Number.isInteger(value) || value < min) {
    invalid(property, `must be an integer of at least ${fmt(min)}${where ? ` ${where}` : ''}`, String(value));
  }
}

/** Converts without rounding, and without throwing on a fraction: the caller names the property. */
const WHOLE: TimeConversionOptions = { integral: false };

/** The size in MiB, failing with the property's name unless it is a whole number of MiB. */
export function wholeMebibytes(property: string, size: Size): number {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib)) {
    invalid(property, 'must be a whole number of MiB', `${fmt(size.toBytes({ rounding: SizeRoundingBehavior.NONE }))} bytes`);
  }
  return mib;
}

/**
 * The size in MiB of a size whose amount is a token (from the state input, or known at deploy
 * time): aws-cdk-lib converts such a size only from the unit it is in, so it must be in MiB.
 */
export function mebibytes(property: string, size: Size): number {
  // Size.toString() is `Size.UNIT(AMOUNT)`; the amount of a token is no number to show.
  return inUnit(property, 'Size.mebibytes(...)', size.toString().replace(/\(.*\)$/, '(...)'), () => size.toMebibytes());
}

/**
 * Checks a duration in whole seconds, skipping unresolved tokens. A duration whose amount is a
 * token must be in seconds: aws-cdk-lib converts it only from the unit it is in.
 */
export function checkSeconds(property: string, value: Duration | undefined, min: number, max?: number): void {
  if (value === undefined) { return; }
  if (value.isUnresolved()) {
    inUnit(property, 'Duration.seconds(...)', `Duration.${value.unitLabel()}(...)`, () => value.toSeconds());
    return;
  }
  const seconds = value.toSeconds(WHOLE);
  if (!Number.isInteger(seconds)) {
    invalid(property, 'must be a whole number of seconds', `${fmt(value.toMilliseconds())} milliseconds`);
  }
  if (seconds < min || (max !== undefined && seconds > max)) {
    const allowed = max === undefined
      ? `must be at least ${fmt(min)} seconds`
      : `must be between ${fmt(min)} and ${fmt(max)} seconds`;
    invalid(property, allowed, `${fmt(seconds)} seconds`);
  }
}

/**
 * Converts an amount that is a token, failing with the property's name when it is in another unit
 * than the one it is rendered in (aws-cdk-lib's own error names neither the property nor the unit).
 */
function inUnit(property: string, unit: string, received: string, convert: () => number): number {
  try {
    return convert();
  } catch {
    return invalid(property, `must be written ${unit} when its amount comes from the state input or is a token`, received);
  }
}

/**
 * Fails unless exactly one of two properties is given: `` Give only one of `a` and `b`, got both ``,
 * or `` Give one of `a` (what a is) and `b` (what b is), got neither ``.
 */
export function exactlyOne(a: [name: string, what: string, value: unknown], b: [name: string, what: string, value: unknown]): void {
  if (a[2] !== undefined && b[2] !== undefined) {
    throw new BatchValidationError(`Give only one of \`${a[0]}\` and \`${b[0]}\`, got both`);
  }
  if (a[2] === undefined && b[2] === undefined) {
    throw new BatchValidationError(`Give one of \`${a[0]}\` (${a[1]}) and \`${b[0]}\` (${b[1]}), got neither`);
  }
}

/** Fails on environment variable names that Batch reserves (`AWS_BATCH...`), skipping tokens. */
export function checkEnvironmentNames(property: string, environment: { [name: string]: string } | undefined): void {
  const reserved = Object.keys(environment ?? {}).filter((name) => !Token.isUnresolved(name) && name.startsWith(RESERVED_ENV_PREFIX));
  if (reserved.length > 0) {
    invalid(property, `must not have names starting with ${RESERVED_ENV_PREFIX}, which Batch reserves`, reserved.map((n) => JSON.stringify(n)).join(', '));
  }
}

/** The patterns of one retry condition: SubmitJob's `EvaluateOnExit`, or the `Reason` of aws-cdk-lib's `RetryStrategy`. */
export interface RetryCondition {
  readonly onExitCode?: string;
  readonly onReason?: string;
  readonly onStatusReason?: string;
}

/**
 * Checks the patterns of a retry condition as Batch does: at most 512 characters; reasons of
 * letters, digits, periods, colons and white space, exit codes of digits, either ending with `*`
 * or not. Only the values `literal` accepts are checked (not tokens, not values from the state input).
 *
 * @param property how the condition is named in messages: `evaluateOnExit[0]`
 */
export function checkRetryCondition(property: string, condition: RetryCondition,
  literal: (value: string | undefined) => value is string = (v): v is string => v !== undefined && !Token.isUnresolved(v)): void {
  for (const key of ['onExitCode', 'onReason', 'onStatusReason'] as const) {
    if (literal(condition[key])) { checkLength(`${property}.${key}`, condition[key], 1, EVALUATE_ON_EXIT_PATTERN_MAX_LENGTH); }
  }
  for (const key of ['onReason', 'onStatusReason'] as const) {
    const reason = condition[key];
    if (literal(reason) && !EVALUATE_ON_EXIT_REASON_PATTERN.test(reason)) {
      invalid(`${property}.${key}`, 'must be letters, digits, periods, colons and white space, optionally ending with `*`', JSON.stringify(reason));
    }
  }
  const exitCode = condition.onExitCode;
  if (literal(exitCode) && !/^[0-9]*\*?$/.test(exitCode)) {
    invalid(`${property}.onExitCode`, 'must be digits, optionally ending with `*`', JSON.stringify(exitCode));
  }
}
