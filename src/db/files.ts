// Files updns keeps for itself — the data directory, the database with its -wal and -shm, the master key,
// backups — are readable by the service user only, whatever the umask: the database holds TSIG secrets and
// account data, the key file unlocks them. Directories 0700, files 0600; an existing looser one is
// tightened (never loosened) and the caller is told, since an operator may have opened it on purpose.
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** Group and other bits: none of them on a private file or directory. */
const OTHERS = 0o077;

/**
 * Run `fn` with umask 0077, so whatever it creates (SQLite opening a database, VACUUM INTO writing a copy)
 * starts private; the previous umask comes back afterwards.
 */
export function withPrivateUmask<T>(fn: () => T): T {
  const previous = process.umask(OTHERS);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}

const octal = (mode: number) => "0" + (mode & 0o777).toString(8);

/**
 * Make `dir` (and missing parents) with mode 0700; an existing directory that lets group or others in is
 * tightened to its owner's bits only. Returns a warning to show when something was tightened or could not be.
 */
export function ensurePrivateDir(dir: string): string | null {
  if (!existsSync(dir)) {
    withPrivateUmask(() => mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }));
    return null;
  }
  return tighten(dir);
}

/** chmod an existing file to owner-only (0600 for a file we made; never adds a bit). */
export function tightenPrivateFile(path: string): string | null {
  return existsSync(path) ? tighten(path) : null;
}

function tighten(path: string): string | null {
  const mode = statSync(path).mode & 0o777;
  if (!(mode & OTHERS)) return null;
  const wanted = mode & ~OTHERS;
  try {
    chmodSync(path, wanted);
  } catch (e) {
    return `${path} is ${octal(mode)}, open to other users, and could not be tightened: ${(e as Error).message}`;
  }
  return `${path} was ${octal(mode)}, now ${octal(wanted)}: the database and the master key are for the updns user only`;
}

/** Write a new file readable by its owner only (0600 from its first byte, whatever the umask). */
export function writePrivateFile(path: string, data: string | Uint8Array, opts: { flag?: string } = {}): void {
  withPrivateUmask(() => writeFileSync(path, data, { mode: PRIVATE_FILE_MODE, flag: opts.flag ?? "wx" }));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Set an existing file to 0600 (a file updns created itself, e.g. by SQLite's VACUUM INTO). */
export function chmodPrivate(path: string): void {
  chmodSync(path, PRIVATE_FILE_MODE);
}
