// Accounts as the CLI and the first-run setup create them. Passwords: argon2id (Bun.password).
import { eq, or } from "drizzle-orm";
import { users, type Db } from "../../db/index.ts";
import { ValidationError } from "./names.ts";

export type User = typeof users.$inferSelect;

export function validateUsername(name: string): string {
  const u = name.trim();
  if (!/^[A-Za-z0-9_.@+-]{1,150}$/.test(u)) throw new ValidationError("username", `username "${name}" may use letters, digits and _ . @ + - (1–150 characters)`);
  return u;
}

export function validateEmail(email: string): string {
  const e = email.trim();
  if (e && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) throw new ValidationError("email", `"${email}" is not an e-mail address`);
  return e;
}

export function validatePassword(pw: string): string {
  if (pw.length < 10) throw new ValidationError("password", "the password must have at least 10 characters");
  if (pw.length > 1024) throw new ValidationError("password", "the password must have at most 1024 characters");
  return pw;
}

export async function hashPassword(pw: string): Promise<string> {
  return Bun.password.hash(pw, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
}

export async function createUser(db: Db, input: { username: string; email: string; password?: string; staff?: boolean }): Promise<User> {
  const username = validateUsername(input.username);
  const email = validateEmail(input.email);
  const clash = db.select({ id: users.id }).from(users).where(email ? or(eq(users.username, username), eq(users.email, email)) : eq(users.username, username)).get();
  if (clash) throw new ValidationError("username", `a user with that username or e-mail already exists`);
  const passwordHash = input.password ? await hashPassword(validatePassword(input.password)) : "";
  return db
    .insert(users)
    .values({ username, email, passwordHash, isStaff: Boolean(input.staff), isSuperuser: Boolean(input.staff), emailVerified: true })
    .returning()
    .get();
}

export function findUser(db: Db, nameOrEmail: string): User | undefined {
  return db.select().from(users).where(or(eq(users.username, nameOrEmail), eq(users.email, nameOrEmail))).get();
}

export function requireUser(db: Db, name: string): User {
  const u = db.select().from(users).where(eq(users.username, name)).get();
  if (!u) throw new ValidationError("user", `no user named "${name}"`);
  return u;
}

export function listUsers(db: Db): User[] {
  return db.select().from(users).orderBy(users.username).all();
}

export function hasStaff(db: Db): boolean {
  return Boolean(db.select({ id: users.id }).from(users).where(eq(users.isStaff, true)).get());
}
