// Who is updating (spec §1.2 steps 2–6, updns.md §1.2–§1.3): a host with its own update secret, or an account
// API token whose scope names the hosts. A disabled owner account is badauth (the baseline did not check it).
import { eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { hosts } from "../db/index.ts";
import type { Credentials } from "./credentials.ts";
import { HostLedger } from "./faults.ts";
import { resultLine } from "./result-lines.ts";
import { findHost, type HostRecord } from "./hosts.ts";
import { looksLikeFqdn } from "./names.ts";
import { hashChosenSecret, looksLikeApiToken, verifySecret } from "./secrets.ts";
import { checkApiToken, type TokenScopes } from "./tokens.ts";

export { parseScopes, tokenCovers, type TokenScopes } from "./tokens.ts";

export type Principal =
  | { kind: "host"; record: HostRecord; ledger: HostLedger; password: string }
  | { kind: "token"; tokenId: number; userId: number; scopes: TokenScopes; name: string; session?: boolean };

export type AuthResult =
  | { ok: true; principal: Principal }
  /** `failure`: counts against the client address (a guess), unlike a missing header. */
  | { ok: false; word: "badauth" | "notfqdn"; failure: boolean };

async function tokenAuth(db: Db, token: string, clientAddress: string, now: Date): Promise<AuthResult> {
  const check = checkApiToken(db, token, clientAddress, now);
  // A read-only token never updates: refused here like a wrong one, so clients see badauth at once.
  if (!check.ok || check.token.scopes.readOnly) return { ok: false, word: "badauth", failure: true };
  const t = check.token;
  return { ok: true, principal: { kind: "token", tokenId: t.tokenId, userId: t.userId, scopes: t.scopes, name: t.name } };
}

/**
 * Check a host's own secret; records the attempt on the host (§1.2 step 6) and upgrades an old hash format.
 * Returns the ledger holding the record, to be flushed by the caller.
 */
export async function checkHostSecret(db: Db, record: HostRecord, password: string, via: string, now: Date): Promise<{ ok: boolean; ledger: HostLedger }> {
  const ledger = new HostLedger(record.host.id, record.fqdn, now);
  const v = await verifySecret(password, record.host.updateSecret);
  if (!v.ok) {
    ledger.apiAuthMessage(resultLine("authFailure", { via }), true);
    return { ok: false, ledger };
  }
  if (!record.ownerActive) {
    ledger.apiAuthMessage(resultLine("authDisabled", { via }), false);
    return { ok: false, ledger };
  }
  ledger.apiAuthMessage(resultLine("authSuccess", { via }), false);
  if (v.needsRehash) {
    // An imported secret's strength is unknown: it keeps a slow hash.
    const rehashed = await hashChosenSecret(password);
    db.update(hosts).set({ updateSecret: rehashed }).where(eq(hosts.id, record.host.id)).run();
    record.host.updateSecret = rehashed;
  }
  return { ok: true, ledger };
}

export async function authenticate(db: Db, creds: Credentials, clientAddress: string, now: Date): Promise<AuthResult> {
  switch (creds.kind) {
    case "none":
      return { ok: false, word: "badauth", failure: false };
    case "malformed":
      return { ok: false, word: "badauth", failure: true };
    case "bearer":
      return tokenAuth(db, creds.token, clientAddress, now);
  }
  // Basic (header or query). An API token in the password field authenticates the account whatever the user
  // name is, so clients that only know Basic (ddclient, routers) can use tokens too.
  if (looksLikeApiToken(creds.password)) return tokenAuth(db, creds.password, clientAddress, now);
  if (!looksLikeFqdn(creds.username)) return { ok: false, word: "notfqdn", failure: false };
  const record = findHost(db, creds.username);
  // Unknown host: nothing is recorded anywhere (§1.2 step 6).
  if (!record) return { ok: false, word: "badauth", failure: true };
  const via = creds.from === "header" ? "basic auth" : "query string";
  const { ok, ledger } = await checkHostSecret(db, record, creds.password, via, now);
  if (!ok) {
    ledger.flush(db);
    return { ok: false, word: "badauth", failure: true };
  }
  return { ok: true, principal: { kind: "host", record, ledger, password: creds.password } };
}
