import { PromptlyError } from '../core/errors.js';

/**
 * Subject and filter rules, shared by every backend so they all accept and reject the same
 * names (NATS rules): a subject is one or more dot-separated, non-empty tokens with no
 * whitespace; a filter may also use `*` (exactly one token) and `>` (one or more trailing
 * tokens, last position only). A token that merely contains `*` or `>` (`a*`) is rejected,
 * so a filter never means something different on another backend.
 */

/** Single-token wildcard. */
export const WILDCARD_ONE = '*';
/** Trailing multi-token wildcard (one or more tokens). */
export const WILDCARD_TAIL = '>';

// Whitespace and control characters are never allowed in a token.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_TOKEN = /[\s\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const BAD_IN_SUBJECT = /[\s\u0000-\u001f\u007f*>]/;

function invalid(kind: string, value: string, why: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_BUS_SUBJECT_INVALID', `invalid ${kind} "${value}": ${why}`, {
    details: [{ path: kind, message: why }],
  });
}

/**
 * Splits a concrete subject (no wildcards) into tokens, validating it.
 * @throws PromptlyError PROMPTLY_E_BUS_SUBJECT_INVALID when empty, a token is empty, or a
 * token contains whitespace, `*` or `>`.
 */
export function tokenizeSubject(subject: string): string[] {
  if (typeof subject !== 'string' || subject.length === 0) {
    throw invalid('subject', String(subject), 'subject is empty');
  }
  // One scan of the whole string on the hot (publish) path; details only when it fails.
  if (
    BAD_IN_SUBJECT.test(subject) ||
    subject.startsWith('.') ||
    subject.endsWith('.') ||
    subject.includes('..')
  ) {
    if (/[*>]/.test(subject))
      throw invalid('subject', subject, 'wildcards are not allowed in a subject');
    if (FORBIDDEN_IN_TOKEN.test(subject)) throw invalid('subject', subject, 'whitespace in token');
    throw invalid('subject', subject, 'empty token');
  }
  return subject.split('.');
}

/** Validates a concrete subject; see {@link tokenizeSubject}. */
export function validateSubject(subject: string): void {
  tokenizeSubject(subject);
}

/**
 * Splits a subject filter into tokens, validating it.
 * @throws PromptlyError PROMPTLY_E_BUS_SUBJECT_INVALID when empty, a token is empty or has
 * whitespace, a token only partly consists of a wildcard, or `>` is not the last token.
 */
export function tokenizeFilter(filter: string): string[] {
  if (typeof filter !== 'string' || filter.length === 0) {
    throw invalid('filter', String(filter), 'filter is empty');
  }
  const tokens = filter.split('.');
  const last = tokens.length - 1;
  for (let i = 0; i <= last; i++) {
    const t = tokens[i]!;
    if (t.length === 0) throw invalid('filter', filter, 'empty token');
    if (t === WILDCARD_TAIL) {
      if (i !== last) throw invalid('filter', filter, '">" must be the last token');
      continue;
    }
    if (t === WILDCARD_ONE) continue;
    if (t.includes('*') || t.includes('>')) {
      throw invalid('filter', filter, 'a wildcard must be a whole token');
    }
    if (FORBIDDEN_IN_TOKEN.test(t)) throw invalid('filter', filter, 'whitespace in token');
  }
  return tokens;
}

/** Validates a subject filter; see {@link tokenizeFilter}. */
export function validateFilter(filter: string): void {
  tokenizeFilter(filter);
}

/** True when the (valid) filter contains `*` or `>`. */
export function hasWildcard(filterTokens: readonly string[]): boolean {
  for (const t of filterTokens) if (t === WILDCARD_ONE || t === WILDCARD_TAIL) return true;
  return false;
}

/** Matches pre-split tokens; both must already be valid. */
export function tokensMatch(filter: readonly string[], subject: readonly string[]): boolean {
  const n = filter.length;
  for (let i = 0; i < n; i++) {
    const f = filter[i]!;
    if (f === WILDCARD_TAIL) return subject.length > i;
    const s = subject[i];
    if (s === undefined) return false;
    if (f !== WILDCARD_ONE && f !== s) return false;
  }
  return subject.length === n;
}

/**
 * True when `subject` matches `filter`. Validates both (throws as above); for a hot path,
 * compile the filter once with {@link compileFilter}.
 */
export function subjectMatches(filter: string, subject: string): boolean {
  return tokensMatch(tokenizeFilter(filter), tokenizeSubject(subject));
}

/**
 * Validates `filter` once and returns a predicate over already-valid subjects. An exact
 * filter compiles to string equality; a wildcard filter compares tokens.
 */
export function compileFilter(filter: string): (subject: string) => boolean {
  const tokens = tokenizeFilter(filter);
  if (!hasWildcard(tokens)) return (subject) => subject === filter;
  return (subject) => tokensMatch(tokens, subject.split('.'));
}

/**
 * True when some subject matches both filters (JetStream's overlap rule: two streams may
 * not capture the same subject). Both filters must be valid.
 */
export function filtersOverlap(a: string, b: string): boolean {
  const ta = tokenizeFilter(a);
  const tb = tokenizeFilter(b);
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === WILDCARD_TAIL || y === WILDCARD_TAIL) return true;
    if (x !== WILDCARD_ONE && y !== WILDCARD_ONE && x !== y) return false;
  }
  return ta.length === tb.length;
}
