// The dyndns2 update and delete use case: spec §1.2 (order of checks), §1.3 (per address), §1.4 (answer),
// §1.5 (delete), §1.7 (related hosts), §1.8 (forwarding), with the changes of updns.md §1.
import { readTogether, type Db } from "../db/index.ts";
import { AuthFailureLog, type Logger } from "../log/index.ts";
import { AddressSet, isPrefixOnly, parseAddress, recordType, stripPrefixLength, type Address, type AddressKind } from "../net/index.ts";
import { authenticate, checkHostSecret, tokenCovers, type Principal } from "./authenticate.ts";
import { BadauthLimiter, credentialsFrom } from "./credentials.ts";
import { HostLedger, KEEPALIVE_MS } from "./faults.ts";
import { addHostTxt, clearHostTxt, DEFAULT_CHALLENGE_TXT, validTxt, type ChallengeTxtSettings } from "./host-txt.ts";
import { forwardTargets, queueForwarder } from "./forward.ts";
import { effectiveTtl, findHost, relatedHostsOf, zoneRefOf, type HostRecord } from "./hosts.ts";
import { canonicalName, looksLikeFqdn } from "./names.ts";
import { looksLikeApiToken } from "./secrets.ts";
import { systemClock, ZoneBackendError, type Clock, type Forwarder, type ZoneBackend, type ZoneRef } from "./ports.ts";
import { updateRelatedHosts } from "./related.ts";
import { resultLine } from "./result-lines.ts";
import { combineResults, hasServerFault, singleLine } from "./results.ts";
import type { AddressResult, DyndnsAnswer, DyndnsRequest, UpdateMode } from "./types.ts";
import { ValidationError } from "./errors.ts";

/** Dyn's limit on `hostname=a,b,...` (updns.md §1.2). */
export const MAX_HOSTS = 20;
/** What a client is told to wait after a server-side dnserr (503), from the first such answer on. */
export const RETRY_AFTER_SECONDS = 60;

export interface AbuseSettings {
  bad_agents: string[];
  bad_hosts: string[];
  bad_ips: string[];
  badauth_per_minute: number;
}

export interface UpdateDeps {
  db: Db;
  abuse: AbuseSettings;
  log: Logger;
  backendFor: (zone: ZoneRef) => ZoneBackend;
  /** Defaults to the SQLite queue that backends/forwarder drains. */
  forwarder?: Forwarder;
  clock?: Clock;
  /** `update.max_addresses` (default DEFAULT_MAX_ADDRESSES). */
  maxAddresses?: number;
  /** `acme_dns.max_txt` and `acme_dns.txt_lifetime` for `txt=` (default DEFAULT_CHALLENGE_TXT). */
  challengeTxt?: ChallengeTxtSettings;
}

export interface UpdateService {
  handle(req: DyndnsRequest): Promise<DyndnsAnswer>;
  /**
   * Set one host's addresses directly (the JSON API), under the same per-address rules as a dyndns2 update
   * (abuse flags, bad_ips, related hosts, forwarding, faults, type scopes). The caller has already checked
   * that the principal may change the host. Bad input throws ValidationError naming the field.
   */
  setAddresses(principal: Principal, rec: HostRecord, change: AddressChange, client: { address: string; secure: boolean }): Promise<AddressResult[]>;
  /** The limiter, shared with other endpoints that check credentials (the browser updater page). */
  limiter: BadauthLimiter;
}

/** What the JSON API asks of one host: addresses to hold, families to drop, the ACME TXT value. */
export interface AddressChange {
  /** At most one address per family; a prefix ("2001:db8:1::/64") rewrites only the related hosts (§1.7). */
  set: string[];
  remove: AddressKind[];
  /** `_acme-challenge.<host>` TXT: a value is added (host-txt.ts), "" deletes them all, undefined leaves them alone. */
  txt?: string;
}

/**
 * Address parameters, in the order their addresses are applied. `myip` may hold several; the others name one
 * family each (No-IP/Dynu/deSEC `myipv6`, dyndnsd `myip6`, deSEC `ipv4`/`ipv6`/`myipv4`).
 */
const ADDRESS_PARAMS: [string, AddressKind | null][] = [
  ["myip", null],
  ["myipv4", "ipv4"],
  ["ipv4", "ipv4"],
  ["myipv6", "ipv6"],
  ["ipv6", "ipv6"],
  ["myip6", "ipv6"],
];

/** An address as parsed, and as the client wrote it (echoed in `good <ip>`: pfSense matches its own text). */
interface SentAddress {
  addr: Address;
  sent: string;
}

type AddressList = { ok: true; given: boolean; list: SentAddress[] } | { ok: false; bad: string } | { ok: false; tooMany: AddressKind; limit: number };

/** `update.max_addresses`: each update of a host's A or AAAA is a zone version, so a request may hold few. */
export const DEFAULT_MAX_ADDRESSES = 16;

/**
 * §1.2 step 9 with updns.md §1.1/§1.4: any invalid piece spoils the request; absent families stay absent.
 * More than `maxAddresses` pieces of one family (duplicates counted: each was sent) spoil it too.
 */
export function addressesFrom(params: Record<string, string>, maxAddresses = DEFAULT_MAX_ADDRESSES): AddressList {
  const list: SentAddress[] = [];
  const count: Record<AddressKind, number> = { ipv4: 0, ipv6: 0 };
  let given = false;
  for (const [name, kind] of ADDRESS_PARAMS) {
    const raw = params[name];
    if (raw === undefined || raw.trim() === "") continue;
    given = true;
    for (const piece of raw.split(",")) {
      const sent = stripPrefixLength(piece);
      const addr = parseAddress(sent);
      if (!addr || (kind && addr.kind !== kind)) return { ok: false, bad: piece.slice(0, 64) };
      if (++count[addr.kind] > maxAddresses) return { ok: false, tooMany: addr.kind, limit: maxAddresses };
      if (!list.some((x) => x.addr.kind === addr.kind && x.addr.value === addr.value)) list.push({ addr, sent });
    }
  }
  return { ok: true, given, list };
}

interface Target {
  name: string;
  /** A fixed answer line for a name that cannot be updated with these credentials. */
  line?: string;
  record?: HostRecord;
  ledger?: HostLedger;
}

/** The service's settings and shared state, resolved once from UpdateDeps. */
interface UpdateContext {
  db: Db;
  log: Logger;
  clock: Clock;
  forwarder: Forwarder;
  backendFor: (zone: ZoneRef) => ZoneBackend;
  badHosts: Set<string>;
  badAgents: Set<string>;
  badIps: AddressSet;
  limiter: BadauthLimiter;
  failures: AuthFailureLog;
  maxAddresses: number;
  challengeTxt: ChallengeTxtSettings;
}

export function createUpdateService(deps: UpdateDeps): UpdateService {
  const clock = deps.clock ?? systemClock;
  const ctx: UpdateContext = {
    db: deps.db,
    log: deps.log,
    clock,
    forwarder: deps.forwarder ?? queueForwarder(deps.db, clock),
    backendFor: deps.backendFor,
    badHosts: new Set(deps.abuse.bad_hosts),
    badAgents: new Set(deps.abuse.bad_agents),
    badIps: new AddressSet(deps.abuse.bad_ips),
    limiter: new BadauthLimiter(deps.abuse.badauth_per_minute),
    failures: new AuthFailureLog(deps.log, "dyndns2"),
    maxAddresses: deps.maxAddresses ?? DEFAULT_MAX_ADDRESSES,
    challengeTxt: deps.challengeTxt ?? DEFAULT_CHALLENGE_TXT,
  };
  return {
    handle: (req) => handleDyndns(ctx, req),
    limiter: ctx.limiter,
    setAddresses: (principal, rec, change, client) => setAddresses(ctx, principal, rec, change, client),
  };
}

const answer = (status: DyndnsAnswer["status"], body: string, hosts: string[] = [], retryAfter?: number): DyndnsAnswer => ({ status, body, hosts, retryAfter });

/** The names of `hostname=`: comma-separated, blanks and the old "YES" (meaning: the user name) dropped. */
function requestedNames(hostname: string | undefined): string[] {
  return (hostname ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s.toUpperCase() !== "YES");
}

const isBadHost = (ctx: UpdateContext, name: string) => ctx.badHosts.has(name) || ctx.badHosts.has(canonicalName(name));

/** §1.2 steps 1–11 for one dyndns2 request. */
async function handleDyndns(ctx: UpdateContext, req: DyndnsRequest): Promise<DyndnsAnswer> {
  const now = ctx.clock.now();
  const requested = requestedNames(req.params.hostname);
  // 1. BAD_HOSTS on the hostname parameter: before authentication, no database access.
  if (req.sessionUserId === undefined && requested.some((h) => isBadHost(ctx, h))) return answer("forbidden", "abuse");
  const auth = await authenticateRequest(ctx, req, requested, now);
  if ("status" in auth) return auth;
  const principal = auth.principal;

  // 7. Which hosts. hostname absent (or YES) means the Basic user name; a token must name its hosts.
  const names = requested.length > 0 ? requested.map(canonicalName) : principal.kind === "host" ? [principal.record.fqdn] : [];
  if (names.length === 0) return answer("ok", "notfqdn");
  if (names.length > MAX_HOSTS) {
    if (principal.kind === "host") principal.ledger.flush(ctx.db);
    return answer("ok", "numhost");
  }
  const targets = await resolveTargets(ctx, principal, names, req.client.address, now);
  const finish = finisher(ctx, req, principal, targets);
  const resolved = targets.filter((t) => t.record);
  const refuseAll = (complaint: string) => {
    for (const t of resolved) t.ledger!.clientMessage(complaint, true);
    return finish(answer("ok", "dnserr", targets.map((t) => t.name)));
  };

  // 8. Bad user agent.
  const ua = req.userAgent ?? "unknown";
  if (req.sessionUserId === undefined && ctx.badAgents.has(ua)) {
    for (const t of resolved) t.ledger!.clientMessage(resultLine("badAgent", { agent: JSON.stringify(ua.slice(0, 80)) }), true);
    return finish(answer("ok", "badagent", targets.map((t) => t.name)));
  }

  // 9. Addresses (and the TXT value): one bad piece answers dnserr, a client fault (updns.md §1.7).
  const sent = addressesToApply(ctx, req);
  if ("complaint" in sent) return refuseAll(sent.complaint);
  return finish(await updateTargets(ctx, req, principal, targets, sent.list, sent.txt, now));
}

/**
 * §1.2 steps 2–6: the credentials, behind the per-address limiter. An answer when they do not let the
 * request on (every failure counted and logged for fail2ban), else who is asking.
 */
async function authenticateRequest(ctx: UpdateContext, req: DyndnsRequest, requested: string[], now: Date): Promise<DyndnsAnswer | { principal: Principal }> {
  const p = req.params;
  const address = req.client.address;
  const session = req.sessionUserId !== undefined;
  // Read here, checked below: the limiter's log line names the host claimed.
  const creds = credentialsFrom(req.authorization, { username: p.username, password: p.password });
  const claimed = () => (creds.kind === "basic" ? (looksLikeApiToken(creds.password) ? "api token" : creds.username) : creds.kind === "bearer" ? "api token" : requested.join(","));

  // A client address that keeps failing is told to wait, before any secret is checked again.
  const wait = session ? 0 : ctx.limiter.retryAfter(address, now.getTime());
  if (wait > 0) {
    ctx.failures.blocked(address, claimed(), wait);
    return answer("ratelimited", "badauth", [], wait);
  }

  if (creds.kind === "basic" && looksLikeFqdn(creds.username) && isBadHost(ctx, creds.username)) return answer("forbidden", "abuse");
  const auth: Awaited<ReturnType<typeof authenticate>> = session
    ? { ok: true, principal: { kind: "token", tokenId: 0, userId: req.sessionUserId!, scopes: {}, name: "web session", session: true } }
    : await authenticate(ctx.db, creds, address, now);
  if (auth.ok) return { principal: auth.principal };
  if (auth.failure) {
    ctx.limiter.fail(address, now.getTime());
    ctx.failures.failed(address, claimed(), creds.kind === "malformed" ? "malformed credentials" : "wrong or unknown credentials");
  }
  return auth.word === "badauth" ? answer("unauthorized", "badauth") : answer("ok", auth.word);
}

/** What ends every request that got as far as its hosts: their fault ledgers written, then one log line. */
function finisher(ctx: UpdateContext, req: DyndnsRequest, principal: Principal, targets: Target[]): (a: DyndnsAnswer) => Promise<DyndnsAnswer> {
  const ledgers = [...new Map(targets.filter((t) => t.ledger).map((t) => [t.record!.host.id, t.ledger!])).values()];
  if (principal.kind === "host" && !ledgers.includes(principal.ledger)) ledgers.push(principal.ledger);
  const fqdns = targets.map((t) => t.name);
  return async (a) => {
    // Group-committed with the other requests of this moment; the answer waits until the row is durable.
    await Promise.all(ledgers.map((l) => l.flushGrouped(ctx.db)));
    ctx.log.info("dyndns2 request", { mode: req.mode, hosts: fqdns.join(","), result: a.body.replaceAll("\n", "|"), client: req.client.address, ua: req.userAgent ?? "unknown" });
    return a;
  };
}

/**
 * §1.2 step 9: the addresses to apply and the TXT value, or what is wrong with them. Too many addresses is
 * the same kind of client fault as a bad one (200 dnserr, nothing changed). No address sent, and no TXT:
 * the connection's address (already IPv4 for IPv4-mapped peers).
 */
function addressesToApply(ctx: UpdateContext, req: DyndnsRequest): { list: SentAddress[]; txt: string | undefined } | { complaint: string } {
  const parsed = addressesFrom(req.params, ctx.maxAddresses);
  const txt = req.mode === "update" ? req.params.txt : undefined;
  if (!parsed.ok)
    return { complaint: "bad" in parsed ? resultLine("badAddress", { address: JSON.stringify(parsed.bad) }) : resultLine("tooManyAddresses", { limit: parsed.limit, family: parsed.tooMany }) };
  if (txt !== undefined && !validTxt(txt)) return { complaint: resultLine("badTxt") };
  if (parsed.given || txt !== undefined) return { list: parsed.list, txt };
  const remote = parseAddress(req.client.address);
  if (!remote) return { complaint: resultLine("unusableAddress", { address: JSON.stringify(req.client.address) }) };
  return { list: [{ addr: remote, sent: remote.text }], txt };
}

/** §1.2 steps 10–11: each host, each address; one answer line per host, 503 when any failed on our side. */
async function updateTargets(ctx: UpdateContext, req: DyndnsRequest, principal: Principal, targets: Target[], list: SentAddress[], txt: string | undefined, now: Date): Promise<DyndnsAnswer> {
  const perHost: AddressResult[][] = [];
  const lines: string[] = [];
  for (const t of targets) {
    if (!t.record) {
      lines.push(t.line!);
      continue;
    }
    const results = await processHost(ctx, new HostRun(ctx, t.record, t.ledger!, req.mode, req.client.secure, now, principal), list, txt);
    perHost.push(results);
    lines.push(targets.length === 1 ? combineResults(results) : singleLine(results));
  }
  const fqdns = targets.map((t) => t.name);
  if (!perHost.some(hasServerFault)) return answer("ok", lines.join("\n"), fqdns);
  // 503 + Retry-After (results.ts hasServerFault). The client will retry everything it sent: those
  // retries are on us, not on it (updns.md §1.8).
  for (const t of targets) if (t.record) t.ledger!.set({ lastServerFaultAt: now });
  return answer("unavailable", lines.join("\n"), fqdns, RETRY_AFTER_SECONDS);
}

/** Every named host must be covered by the same credentials (updns.md §1.2); others get a line of their own. */
async function resolveTargets(ctx: UpdateContext, principal: Principal, names: string[], address: string, now: Date): Promise<Target[]> {
  const byId = new Map<number, HostLedger>();
  if (principal.kind === "host") byId.set(principal.record.host.id, principal.ledger);
  const out: Target[] = [];
  for (const name of names) out.push(principal.kind === "host" ? await hostTarget(ctx, principal, name, byId, address, now) : tokenTarget(ctx, principal, name, byId, now));
  return out;
}

const unknownName = (name: string): Target => ({ name, line: looksLikeFqdn(name) ? "nohost" : "notfqdn" });

/** A name under a host's own credentials: that host, or another whose secret is the same (several hosts at once). */
async function hostTarget(ctx: UpdateContext, principal: Extract<Principal, { kind: "host" }>, name: string, byId: Map<number, HostLedger>, address: string, now: Date): Promise<Target> {
  const own = principal.record;
  if (name === own.fqdn) return { name, record: own, ledger: principal.ledger };
  const other = looksLikeFqdn(name) ? findHost(ctx.db, name) : null;
  if (other) {
    const known = byId.get(other.host.id);
    if (known) return { name, record: other, ledger: known };
    const check = await checkHostSecret(ctx.db, other, principal.password, "basic auth, several hosts", now);
    if (check.ok) {
      byId.set(other.host.id, check.ledger);
      return { name, record: other, ledger: check.ledger };
    }
    // A secret tried against another host is a guess like any other.
    ctx.limiter.fail(address, now.getTime());
  }
  principal.ledger.clientMessage(resultLine("wrongHost", { name: JSON.stringify(name.slice(0, 80)), fqdn: own.fqdn }), true);
  return unknownName(name);
}

/** A name under an API token (or a web session): a host of the token's owner that its scopes cover. */
function tokenTarget(ctx: UpdateContext, principal: Exclude<Principal, { kind: "host" }>, name: string, byId: Map<number, HostLedger>, now: Date): Target {
  const rec = looksLikeFqdn(name) ? findHost(ctx.db, name) : null;
  if (!rec || rec.host.ownerId !== principal.userId || !tokenCovers(principal.scopes, rec.fqdn, rec.domain.name)) return unknownName(name);
  let ledger = byId.get(rec.host.id);
  if (!ledger) {
    ledger = new HostLedger(rec.host.id, rec.fqdn, now);
    if (!principal.session) ledger.apiAuthMessage(resultLine("authSuccessToken", { token: JSON.stringify(principal.name) }), false);
    byId.set(rec.host.id, ledger);
  }
  return { name, record: rec, ledger };
}

/** The update of one host within one request: where its records live, and whether we failed it (§1.8). */
class HostRun {
  readonly zone: ZoneRef;
  readonly backend: ZoneBackend;
  readonly ttl: number;
  /** The last request for this host ended in our dnserr: a no-change now is its retry, not the client's fault. */
  readonly afterOurFault: boolean;
  readonly verb: string;
  ourFault = false;

  constructor(
    private readonly ctx: UpdateContext,
    readonly rec: HostRecord,
    readonly ledger: HostLedger,
    readonly mode: UpdateMode,
    readonly secure: boolean,
    readonly now: Date,
    readonly principal: Principal,
  ) {
    this.zone = zoneRefOf(rec.domain);
    this.backend = ctx.backendFor(this.zone);
    this.ttl = effectiveTtl(rec.host, rec.domain);
    this.afterOurFault = rec.host.lastServerFaultAt !== null;
    this.verb = mode === "update" ? "update" : "delete";
  }

  /** Checks shared by addresses and TXT (§1.3 a, b) and the owner's zone switch; null lets the change on. */
  gate(what: string): AddressResult | null {
    const { host, domain } = this.rec;
    if (host.abuse || host.abuseBlocked) {
      this.ledger.clientMessage(resultLine("abuseFlag", { what }), false);
      return { code: "abuse" };
    }
    if (!host.available) {
      this.ledger.clientMessage(resultLine("unavailable", { what }), false);
      return { code: "nohost" };
    }
    if (!domain.available) {
      this.ledger.serverMessage(resultLine("zoneOff", { what, zone: domain.name }), true);
      this.ourFault = true;
      return { code: "dnserr", transient: true };
    }
    return null;
  }

  /** A zone backend failure: our fault, transient unless the backend says otherwise. */
  dnsError(e: unknown, sent: { what: string; address: string; tls: boolean } | null): AddressResult {
    const transient = e instanceof ZoneBackendError ? e.transient : true;
    const error = e instanceof Error ? e.message : String(e);
    this.ledger.serverMessage(sent ? resultLine("dnsError", { ...sent, error }) : resultLine("txtDnsError", { error }), true);
    this.ourFault = true;
    if (!(e instanceof ZoneBackendError)) this.ctx.log.error("zone backend failed unexpectedly", { zone: this.zone.name, error: e });
    return { code: "dnserr", transient };
  }

  /** Whether a token's type scope leaves `type` out. */
  typeRefused(type: string): boolean {
    const types = this.principal.kind === "token" ? this.principal.scopes.types : undefined;
    return Boolean(types) && !types!.includes(type);
  }
}

/** §1.3 for each address, then the TXT value; the host's fault state follows what happened (§1.8). */
async function processHost(ctx: UpdateContext, run: HostRun, list: SentAddress[], txt: string | undefined): Promise<AddressResult[]> {
  const results: AddressResult[] = [];
  for (const sent of list) results.push(await updateAddress(ctx, run, sent));
  if (txt !== undefined) results.push(run.typeRefused("TXT") ? { code: "nohost" } : await updateTxt(ctx, run, txt));
  if (run.ourFault) run.ledger.set({ lastServerFaultAt: run.now });
  else if (run.afterOurFault && results.length > 0) run.ledger.set({ lastServerFaultAt: null });
  return results;
}

/** §1.3 for one address: gate, blacklist, poke, the DNS change, then related hosts and forwarding. */
async function updateAddress(ctx: UpdateContext, run: HostRun, { addr, sent }: SentAddress): Promise<AddressResult> {
  const { host } = run.rec;
  const { ledger, secure, now, mode } = run;
  const blocked = run.gate(run.verb);
  if (blocked) return blocked;
  const type = recordType(addr.kind);
  if (run.typeRefused(type)) return { code: "nohost" };
  const v4 = addr.kind === "ipv4";
  const prefixLength = v4 ? host.netmaskIpv4 : host.netmaskIpv6;
  const prefixOnly = mode === "update" && isPrefixOnly(addr, prefixLength);
  // §1.3 e: an update to a blacklisted address flags the host and removes its records (§3.2).
  if (mode === "update" && ctx.badIps.has(addr)) return flagAbuse(run, addr);
  // §1.3 f: the poke happens before the DNS action, whatever its outcome.
  const previous = v4 ? host.lastUpdateIpv4 : host.lastUpdateIpv6;
  const poke = v4 ? { lastUpdateIpv4: now, tlsUpdateIpv4: secure } : { lastUpdateIpv6: now, tlsUpdateIpv6: secure };
  Object.assign(host, poke);
  ledger.set(poke);

  let outcome;
  try {
    outcome = mode === "delete" || prefixOnly ? await run.backend.remove(run.zone, host.name, type) : await run.backend.replace(run.zone, host.name, type, [addr.text], run.ttl);
  } catch (e) {
    return run.dnsError(e, { what: run.verb, address: addr.text, tls: secure });
  }
  // The host page's address history: what the record became, when it really changed.
  if (outcome === "changed") ledger.addressChanged(type, mode === "delete" || prefixOnly ? "" : addr.text);
  if (mode === "delete") {
    ledger.clientMessage(resultLine("deleted", { type, tls: secure }), false);
    return { code: "deleted", type };
  }
  if (!prefixOnly && outcome === "unchanged") {
    // updns.md §1.8: keep-alives and retries after our own dnserr are not the client's fault.
    const keepalive = previous === null || now.getTime() - previous.getTime() >= KEEPALIVE_MS;
    const kind = keepalive ? "keepalive" : run.afterOurFault ? "retry" : "noChange";
    ledger.noChangeMessage(resultLine(kind, { address: addr.text, tls: secure }), kind === "noChange");
    return { code: "nochg", ip: sent };
  }
  ledger.clientMessage(prefixOnly ? resultLine("prefixOnly", { type, address: addr.text, tls: secure }) : resultLine("good", { address: addr.text, tls: secure }), false);
  // §1.7, §1.8: related hosts and forwarding, also for a prefix-only update.
  // Both reads in one read transaction (db readTogether: each alone takes and drops the file locks).
  const [related, forwards] = readTogether(ctx.db.$client, () => [relatedHostsOf(ctx.db, host.id), forwardTargets(ctx.db, host.id, addr.kind)] as const);
  await updateRelatedHosts({ backend: run.backend, zone: run.zone, hostName: host.name, hostFqdn: run.rec.fqdn, ttl: run.ttl, related, ledger, log: ctx.log }, addr, prefixLength);
  for (const id of forwards) ctx.forwarder.enqueue(id, addr.text);
  return { code: "good", ip: sent };
}

/** §1.3 e: the host is flagged and loses its address records (§3.2); whatever the zone says, the answer is abuse. */
async function flagAbuse(run: HostRun, addr: Address): Promise<AddressResult> {
  const { host } = run.rec;
  host.abuse = host.abuseBlocked = true;
  run.ledger.set({ abuse: true, abuseBlocked: true });
  run.ledger.clientMessage(resultLine("blacklisted", { address: addr.text }), true);
  for (const t of ["A", "AAAA"] as const) await run.backend.remove(run.zone, host.name, t).catch(() => undefined);
  return { code: "abuse" };
}

/**
 * updns.md §1.9: `txt=` adds a value to `_acme-challenge.<host>` TXT (several live at once, so a name and
 * its wildcard validate in one run; a value sent again is nochg and lives on), an empty value deletes all.
 */
async function updateTxt(ctx: UpdateContext, run: HostRun, txt: string): Promise<AddressResult> {
  const blocked = run.gate("txt update");
  if (blocked) return blocked;
  const target = { host: run.rec.host, domain: run.rec.domain, backend: run.backend, zone: run.zone };
  try {
    if (txt === "") {
      await clearHostTxt(ctx.db, target);
      run.ledger.clientMessage(resultLine("txtDeleted"), false);
      return { code: "deleted", type: "TXT" };
    }
    const outcome = await addHostTxt(ctx.db, target, txt, ctx.challengeTxt, run.now);
    run.ledger.clientMessage(resultLine("txtUpdated", { outcome }), false);
    return outcome === "refreshed" ? { code: "nochg", ip: "" } : { code: "good", ip: "" };
  } catch (e) {
    return run.dnsError(e, null);
  }
}

/** The JSON API's change of one host: the addresses to set, validated here, then the families to drop. */
async function setAddresses(ctx: UpdateContext, principal: Principal, rec: HostRecord, change: AddressChange, client: { address: string; secure: boolean }): Promise<AddressResult[]> {
  const now = ctx.clock.now();
  const list = addressesToSet(change);
  const ledger = new HostLedger(rec.host.id, rec.fqdn, now);
  if (principal.kind === "token" && !(principal as { session?: boolean }).session) ledger.apiAuthMessage(resultLine("authSuccessJson", { token: JSON.stringify(principal.name) }), false);
  const zero: Record<AddressKind, SentAddress> = {
    ipv4: { addr: parseAddress("0.0.0.0")!, sent: "0.0.0.0" },
    ipv6: { addr: parseAddress("::")!, sent: "::" },
  };
  const results = await processHost(ctx, new HostRun(ctx, rec, ledger, "update", client.secure, now, principal), list, change.txt);
  if (change.remove.length > 0) results.push(...(await processHost(ctx, new HostRun(ctx, rec, ledger, "delete", client.secure, now, principal), change.remove.map((k) => zero[k]), undefined)));
  if (hasServerFault(results)) ledger.set({ lastServerFaultAt: now });
  ledger.flush(ctx.db);
  ctx.log.info("json api address change", { host: rec.fqdn, result: singleLine(results), client: client.address });
  return results;
}

/** The JSON API's addresses: at most one per family, none both set and removed; ValidationError naming the field. */
function addressesToSet(change: AddressChange): SentAddress[] {
  const list: SentAddress[] = [];
  for (const text of change.set) {
    const sent = stripPrefixLength(text);
    const addr = parseAddress(sent);
    if (!addr) throw new ValidationError("addresses", `${JSON.stringify(text.slice(0, 64))} is not an IPv4 or IPv6 address`);
    if (list.some((x) => x.addr.kind === addr.kind)) throw new ValidationError("addresses", `more than one ${addr.kind} address`);
    if (change.remove.includes(addr.kind)) throw new ValidationError("addresses", `${addr.kind} is both set and removed`);
    list.push({ addr, sent });
  }
  if (change.txt !== undefined && !validTxt(change.txt)) throw new ValidationError("txt", "txt must be at most 255 printable ASCII characters");
  return list;
}
