// TSIG keys: created with a fresh random secret (or one given), listed without their secret. The secret is
// stored sealed under the master key (db/secret-columns.ts); the rows these functions return carry it in clear.
import { eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { openColumn, sealColumn, tsigKeys, type Db } from "../../db/index.ts";
import { normalizeKeyName, ValidationError } from "./names.ts";

export type TsigKeyRow = typeof tsigKeys.$inferSelect;

/** Algorithm → MAC length in bytes; a generated secret has the same length (RFC 8945 §6). */
export const TSIG_ALGORITHMS: Record<string, number> = {
  "hmac-md5": 16,
  "hmac-sha1": 20,
  "hmac-sha224": 28,
  "hmac-sha256": 32,
  "hmac-sha384": 48,
  "hmac-sha512": 64,
};

/** Accepts BIND ("hmac-sha256"), dnspython ("HMAC_SHA256") and the md5 wire name. */
export function normalizeAlgorithm(input: string, field = "algorithm"): string {
  const a = input.trim().toLowerCase().replace(/_/g, "-").replace(/\.sig-alg\.reg\.int\.?$/, "");
  if (!(a in TSIG_ALGORITHMS)) throw new ValidationError(field, `${field} "${input}" must be one of ${Object.keys(TSIG_ALGORITHMS).join(", ")}`);
  return a;
}

export function validateSecret(secret: string, field = "secret"): string {
  const s = secret.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0 || Buffer.from(s, "base64").length < 1)
    throw new ValidationError(field, `${field} must be base64 (e.g. from "updns tsig add" or "tsig-keygen")`);
  return s;
}

export function generateTsigSecret(algorithm: string): string {
  return randomBytes(TSIG_ALGORITHMS[normalizeAlgorithm(algorithm)]).toString("base64");
}

export function createTsigKey(db: Db, input: { name: string; algorithm?: string; secret?: string; ownerId?: number }): TsigKeyRow {
  const name = normalizeKeyName(input.name);
  const algorithm = normalizeAlgorithm(input.algorithm ?? "hmac-sha256");
  const secret = input.secret ? validateSecret(input.secret) : generateTsigSecret(algorithm);
  if (db.select({ id: tsigKeys.id }).from(tsigKeys).where(eq(tsigKeys.name, name)).get()) throw new ValidationError("name", `a TSIG key named "${name}" already exists`);
  const row = db.insert(tsigKeys).values({ name, algorithm, secret: sealColumn(db, secret, "tsig_keys.secret"), ownerId: input.ownerId }).returning().get();
  return { ...row, secret };
}

/** A stored key row with its secret opened. */
export function inClear(db: Db, k: TsigKeyRow): TsigKeyRow {
  return { ...k, secret: openColumn(db, k.secret, "tsig_keys.secret") };
}

/** Store a new secret for an existing key (regenerated): sealed like every TSIG secret. */
export function setTsigSecret(db: Db, id: number, secret: string): void {
  db.update(tsigKeys).set({ secret: sealColumn(db, secret, "tsig_keys.secret") }).where(eq(tsigKeys.id, id)).run();
}

export function requireTsigKey(db: Db, name: string, field = "key"): TsigKeyRow {
  const k = db.select().from(tsigKeys).where(eq(tsigKeys.name, normalizeKeyName(name, field))).get();
  if (!k) throw new ValidationError(field, `no TSIG key named "${name}" (create it with "updns tsig add")`);
  return inClear(db, k);
}

export function listTsigKeys(db: Db): TsigKeyRow[] {
  return db.select().from(tsigKeys).orderBy(tsigKeys.name).all().map((k) => inClear(db, k));
}

export function removeTsigKey(db: Db, name: string): void {
  const k = requireTsigKey(db, name);
  db.delete(tsigKeys).where(eq(tsigKeys.id, k.id)).run();
}

/** The key in BIND's syntax (named.conf / knot and nsd snippets are built from the same fields). */
export function bindKeyStanza(k: Pick<TsigKeyRow, "name" | "algorithm" | "secret">): string {
  return `key "${k.name}" {\n\talgorithm ${k.algorithm};\n\tsecret "${k.secret}";\n};`;
}
