import { createHash, timingSafeEqual } from 'node:crypto';
import { PromptlyError } from '../../core/errors.js';

/** What a token lets its holder do. `admin` also sees and cancels every owner's jobs. */
export const SCOPES = ['submit', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** One known token: its SHA-256 (the token itself is never kept), owner and scopes. */
export interface TokenGrant {
  readonly owner: string;
  readonly scopes: readonly Scope[];
  /** Lower-case hex SHA-256 of the token. */
  readonly sha256: string;
}

/** Who made a request. */
export interface Caller {
  readonly owner: string;
  readonly scopes: ReadonlySet<Scope>;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

interface Grant {
  readonly owner: string;
  readonly scopes: ReadonlySet<Scope>;
  readonly hash: Buffer;
}

/**
 * Bearer tokens: `Authorization: Bearer <token>` is hashed and compared, in constant time,
 * with every grant's hash. No header or an unknown token: PROMPTLY_E_UNAUTHENTICATED (401);
 * a known token without the scope a route needs: PROMPTLY_E_FORBIDDEN (403).
 */
export class JobTokens {
  readonly #grants: readonly Grant[];

  constructor(grants: readonly TokenGrant[]) {
    this.#grants = grants.map((g) => {
      if (!/^[0-9a-f]{64}$/.test(g.sha256))
        throw new PromptlyError(
          'PROMPTLY_E_CONFIG_INVALID',
          `token of ${g.owner}: sha256 must be 64 hex digits`,
        );
      return { owner: g.owner, scopes: new Set(g.scopes), hash: Buffer.from(g.sha256, 'hex') };
    });
  }

  /** The caller a header names, or PROMPTLY_E_UNAUTHENTICATED. */
  authenticate(authorization: string | undefined): Caller {
    const m = /^Bearer ([\x21-\x7e]{16,512})$/.exec(authorization ?? '');
    if (!m?.[1])
      throw new PromptlyError(
        'PROMPTLY_E_UNAUTHENTICATED',
        'a bearer token is required (Authorization: Bearer …)',
      );
    const hash = Buffer.from(sha256Hex(m[1]), 'hex');
    let found: Grant | undefined;
    for (const g of this.#grants) if (timingSafeEqual(g.hash, hash)) found = g;
    if (!found) throw new PromptlyError('PROMPTLY_E_UNAUTHENTICATED', 'unknown token');
    return { owner: found.owner, scopes: found.scopes };
  }

  /** The caller, if it holds `scope` (admin holds every scope), or PROMPTLY_E_FORBIDDEN. */
  require(authorization: string | undefined, scope: Scope): Caller {
    const caller = this.authenticate(authorization);
    if (!caller.scopes.has(scope) && !caller.scopes.has('admin'))
      throw new PromptlyError('PROMPTLY_E_FORBIDDEN', `this token lacks the ${scope} scope`);
    return caller;
  }
}
