/**
 * Passwords: generation, the rules RDS imposes, salted hashes for status, and the Secret's
 * `url`. Never log a password, never put one in status.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Engine } from '../../schemas/dbinstance.js';

/** Characters of generated passwords: RDS refuses `/`, `"`, `@` and space; `'` and `\` are left out too. */
export const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!#^*+=';
/** Length of generated passwords. */
export const PASSWORD_LENGTH = 32;
/** RDS limits (MySQL's master password limit is 41; we use it for both engines). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 41;

/**
 * A fresh random password from {@link PASSWORD_ALPHABET}. Rejection sampling keeps every
 * character equally likely (no modulo bias).
 */
export function generatePassword(length = PASSWORD_LENGTH, random: (n: number) => Buffer = randomBytes): string {
  const n = PASSWORD_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < limit) out += PASSWORD_ALPHABET.charAt(byte % n);
      if (out.length === length) break;
    }
  }
  return out;
}

/** Why a password (for example one a person put in a Secret) is unusable; undefined when fine. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return `must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`;
  if (/[/"@ ]/.test(password)) return 'must not contain /, ", @ or a space';
  if (!/^[\x21-\x7e]+$/.test(password)) return 'must contain only printable ASCII characters';
  return undefined;
}

/**
 * A salted hash of a password for status: the first 16 hex characters of HMAC-SHA256 keyed with
 * the parent's uid. Enough to notice a change, useless for guessing the password.
 */
export function passwordHash(password: string, salt: string): string {
  return createHmac('sha256', `awshooks/${salt}`).update(password).digest('hex').slice(0, 16);
}

/** A connection URL; the user name and password are percent-encoded. Empty when the host is unknown. */
export function connectionUrl(engine: Engine, username: string, password: string, host: string, port: string, dbname: string): string {
  if (!host) return '';
  const scheme = engine === 'postgres' ? 'postgresql' : 'mysql';
  return `${scheme}://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}${port ? `:${port}` : ''}/${encodeURIComponent(dbname)}`;
}
