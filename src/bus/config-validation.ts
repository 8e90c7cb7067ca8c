import type { ConsumeOptions, DeliverPolicy, QueueConfig, StreamConfig } from './bus.js';
import { PromptlyError } from '../core/errors.js';
import { tokenizeFilter, tokenizeSubject, tokensMatch, filtersOverlap } from './subject-filter.js';

/**
 * Checks shared by every backend, so a stream, queue or read that one backend accepts is
 * accepted by all (and rejected with the same code otherwise).
 */

const NAME = /^[A-Za-z0-9_-]+$/;

function bad(message: string, path: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_BUS_CONFIG_INVALID', message, {
    details: [{ path, message }],
  });
}

function checkName(kind: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw bad(
      `${kind} name must be letters, digits, "-" or "_", got ${JSON.stringify(name)}`,
      'name',
    );
  }
}

function checkSubjects(kind: string, name: string, subjects: unknown): void {
  if (!Array.isArray(subjects) || subjects.length === 0) {
    throw bad(`${kind} ${name}: subjects must be a non-empty array`, 'subjects');
  }
  // Invalid filters throw PROMPTLY_E_BUS_SUBJECT_INVALID.
  for (const s of subjects as unknown[]) tokenizeFilter(s as string);
  for (let i = 0; i < subjects.length; i++) {
    for (let j = i + 1; j < subjects.length; j++) {
      if (filtersOverlap(subjects[i] as string, subjects[j] as string)) {
        throw bad(
          `${kind} ${name}: subjects "${subjects[i]}" and "${subjects[j]}" overlap`,
          'subjects',
        );
      }
    }
  }
}

function checkPositiveInt(value: number | undefined, path: string, owner: string): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw bad(`${owner}: ${path} must be an integer ≥ 1, got ${value}`, path);
  }
}

function checkPositiveMs(value: number | undefined, path: string, owner: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw bad(`${owner}: ${path} must be a finite number of ms > 0, got ${value}`, path);
  }
}

/**
 * Validates a stream definition: name, non-empty non-self-overlapping subject filters,
 * limits (`maxMsgs`, `maxMsgsPerSubject` integers ≥ 1; `maxAgeMs` > 0).
 * @throws PromptlyError PROMPTLY_E_BUS_CONFIG_INVALID, or PROMPTLY_E_BUS_SUBJECT_INVALID for a bad filter.
 */
export function validateStreamConfig(config: StreamConfig): void {
  checkName('stream', config.name);
  checkSubjects('stream', config.name, config.subjects);
  const owner = `stream ${config.name}`;
  checkPositiveInt(config.maxMsgs, 'maxMsgs', owner);
  checkPositiveInt(config.maxMsgsPerSubject, 'maxMsgsPerSubject', owner);
  checkPositiveMs(config.maxAgeMs, 'maxAgeMs', owner);
}

/**
 * Validates a queue definition: name, subject filters, `ackWaitMs` > 0, `maxDeliveries`
 * integer ≥ 1, and a concrete `deadLetterSubject` that the queue itself does not capture
 * (a dead letter must not re-enter the queue it left).
 * @throws PromptlyError PROMPTLY_E_BUS_CONFIG_INVALID, or PROMPTLY_E_BUS_SUBJECT_INVALID for a bad subject.
 */
export function validateQueueConfig(config: QueueConfig): void {
  checkName('queue', config.name);
  checkSubjects('queue', config.name, config.subjects);
  const owner = `queue ${config.name}`;
  if (config.ackWaitMs === undefined) throw bad(`${owner}: ackWaitMs is required`, 'ackWaitMs');
  checkPositiveMs(config.ackWaitMs, 'ackWaitMs', owner);
  if (config.maxDeliveries === undefined)
    throw bad(`${owner}: maxDeliveries is required`, 'maxDeliveries');
  checkPositiveInt(config.maxDeliveries, 'maxDeliveries', owner);
  const dead = tokenizeSubject(config.deadLetterSubject);
  for (const f of config.subjects) {
    if (tokensMatch(tokenizeFilter(f), dead)) {
      throw bad(
        `${owner}: deadLetterSubject "${config.deadLetterSubject}" is captured by the queue itself`,
        'deadLetterSubject',
      );
    }
  }
}

/**
 * Validates a deliver policy: `last.count` an integer ≥ 0, `from-seq.seq` an integer ≥ 1.
 * @throws PromptlyError PROMPTLY_E_BUS_CONFIG_INVALID
 */
export function validateDeliverPolicy(policy: DeliverPolicy): void {
  switch (policy?.kind) {
    case 'all':
    case 'new':
    case 'last-per-subject':
      return;
    case 'last':
      if (!Number.isSafeInteger(policy.count) || policy.count < 0) {
        throw bad(`deliver.count must be an integer ≥ 0, got ${policy.count}`, 'deliver.count');
      }
      return;
    case 'from-seq':
      if (!Number.isSafeInteger(policy.seq) || policy.seq < 1) {
        throw bad(`deliver.seq must be an integer ≥ 1, got ${policy.seq}`, 'deliver.seq');
      }
      return;
    default:
      throw bad(`unknown deliver policy ${JSON.stringify(policy)}`, 'deliver');
  }
}

/** The effective prefetch (default 1), validated as an integer ≥ 1. */
export function resolvePrefetch(options: ConsumeOptions | undefined): number {
  const prefetch = options?.prefetch ?? 1;
  checkPositiveInt(prefetch, 'prefetch', 'consume');
  return prefetch;
}

/** Pairs of filters from two definitions that overlap, or undefined if none. */
export function findOverlap(
  a: readonly string[],
  b: readonly string[],
): readonly [string, string] | undefined {
  for (const x of a) for (const y of b) if (filtersOverlap(x, y)) return [x, y];
  return undefined;
}

/** The error for a definition whose subjects overlap another's. */
export function overlapError(
  kind: string,
  name: string,
  other: string,
  pair: readonly [string, string],
): PromptlyError {
  return bad(`${kind} ${name}: subject "${pair[0]}" overlaps "${pair[1]}" of ${other}`, 'subjects');
}
