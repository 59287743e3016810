// The dyndns2 update and delete use case: spec §1.2 (order of checks), §1.3 (per address), §1.4 (answer),
// §1.5 (delete), §1.7 (related hosts), §1.8 (forwarding), with the changes of updns.md §1.
import type { Db } from "../db/index.ts";
import { AuthFailureLog, type Logger } from "../log/index.ts";
import { AddressSet, isPrefixOnly, parseAddress, recordType, stripPrefixLength, type Address, type AddressKind } from "./addresses.ts";
import { authenticate, checkHostSecret, tokenCovers, type Principal } from "./authenticate.ts";
import { BadauthLimiter, credentialsFrom } from "./credentials.ts";
import { HostLedger, KEEPALIVE_MS } from "./faults.ts";
import { addHostTxt, clearHostTxt, DEFAULT_CHALLENGE_TXT, type ChallengeTxtSettings } from "./host-txt.ts";
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

/** TXT character-string (RFC 1035 §3.3): at most 255 octets; printable ASCII keeps it sane for ACME tokens. */
const validTxt = (v: string) => v.length <= 255 && /^[\x20-\x7e]*$/.test(v);

interface Target {
  name: string;
  /** A fixed answer line for a name that cannot be updated with these credentials. */
  line?: string;
  record?: HostRecord;
  ledger?: HostLedger;
}

export function createUpdateService(deps: UpdateDeps): UpdateService {
  const clock = deps.clock ?? systemClock;
  const forwarder = deps.forwarder ?? queueForwarder(deps.db, clock);
  const badHosts = new Set(deps.abuse.bad_hosts);
  const badAgents = new Set(deps.abuse.bad_agents);
  const badIps = new AddressSet(deps.abuse.bad_ips);
  const limiter = new BadauthLimiter(deps.abuse.badauth_per_minute);
  const maxAddresses = deps.maxAddresses ?? DEFAULT_MAX_ADDRESSES;
  const challengeTxt = deps.challengeTxt ?? DEFAULT_CHALLENGE_TXT;
  const { db, log } = deps;
  const failures = new AuthFailureLog(log, "dyndns2");

  const answer = (status: DyndnsAnswer["status"], body: string, hosts: string[] = [], retryAfter?: number): DyndnsAnswer => ({ status, body, hosts, retryAfter });

  async function handle(req: DyndnsRequest): Promise<DyndnsAnswer> {
    const now = clock.now();
    const p = req.params;
    const address = req.client.address;

    // 1. BAD_HOSTS on the hostname parameter: before authentication, no database access.
    const requested = (p.hostname ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "" && s.toUpperCase() !== "YES");
    const session = req.sessionUserId !== undefined;
    if (!session && requested.some((h) => badHosts.has(h) || badHosts.has(canonicalName(h)))) return answer("forbidden", "abuse");

    // 2–6. Credentials (read here, checked below: the limiter's log line names the host claimed).
    const creds = credentialsFrom(req.authorization, { username: p.username, password: p.password });
    const claimed = () => (creds.kind === "basic" ? (looksLikeApiToken(creds.password) ? "api token" : creds.username) : creds.kind === "bearer" ? "api token" : requested.join(","));

    // A client address that keeps failing is told to wait, before any secret is checked again.
    const wait = session ? 0 : limiter.retryAfter(address, now.getTime());
    if (wait > 0) {
      failures.blocked(address, claimed(), wait);
      return answer("ratelimited", "badauth", [], wait);
    }

    if (creds.kind === "basic" && looksLikeFqdn(creds.username) && (badHosts.has(creds.username) || badHosts.has(canonicalName(creds.username)))) {
      return answer("forbidden", "abuse");
    }
    const auth: Awaited<ReturnType<typeof authenticate>> = session
      ? { ok: true, principal: { kind: "token", tokenId: 0, userId: req.sessionUserId!, scopes: {}, name: "web session", session: true } }
      : await authenticate(db, creds, address, now);
    if (!auth.ok) {
      if (auth.failure) {
        limiter.fail(address, now.getTime());
        failures.failed(address, claimed(), creds.kind === "malformed" ? "malformed credentials" : "wrong or unknown credentials");
      }
      return auth.word === "badauth" ? answer("unauthorized", "badauth") : answer("ok", auth.word);
    }
    const principal = auth.principal;

    // 7. Which hosts. hostname absent (or YES) means the Basic user name; a token must name its hosts.
    const names = requested.length > 0 ? requested.map(canonicalName) : principal.kind === "host" ? [principal.record.fqdn] : [];
    if (names.length === 0) return answer("ok", "notfqdn");
    if (names.length > MAX_HOSTS) {
      if (principal.kind === "host") principal.ledger.flush(db);
      return answer("ok", "numhost");
    }
    const targets = await resolveTargets(principal, names, address, now);
    const ledgers = [...new Map(targets.filter((t) => t.ledger).map((t) => [t.record!.host.id, t.ledger!])).values()];
    if (principal.kind === "host" && !ledgers.includes(principal.ledger)) ledgers.push(principal.ledger);
    const fqdns = targets.map((t) => t.name);
    const finish = async (a: DyndnsAnswer) => {
      // Group-committed with the other requests of this moment; the answer waits until the row is durable.
      await Promise.all(ledgers.map((l) => l.flushGrouped(db)));
      log.info("dyndns2 request", { mode: req.mode, hosts: fqdns.join(","), result: a.body.replaceAll("\n", "|"), client: address, ua: req.userAgent ?? "unknown" });
      return a;
    };
    const resolved = targets.filter((t) => t.record);

    // 8. Bad user agent.
    const ua = req.userAgent ?? "unknown";
    if (!session && badAgents.has(ua)) {
      for (const t of resolved) t.ledger!.clientMessage(resultLine("badAgent", { agent: JSON.stringify(ua.slice(0, 80)) }), true);
      return finish(answer("ok", "badagent", fqdns));
    }

    // 9. Addresses (and the TXT value): one bad piece answers dnserr, a client fault (updns.md §1.7).
    // Too many addresses is the same kind of client fault: 200 dnserr, nothing changed.
    const parsed = addressesFrom(p, maxAddresses);
    const txt = req.mode === "update" ? p.txt : undefined;
    const complaint = !parsed.ok
      ? "bad" in parsed
        ? resultLine("badAddress", { address: JSON.stringify(parsed.bad) })
        : resultLine("tooManyAddresses", { limit: parsed.limit, family: parsed.tooMany })
      : txt !== undefined && !validTxt(txt)
        ? resultLine("badTxt")
        : null;
    if (complaint !== null || !parsed.ok) {
      for (const t of resolved) t.ledger!.clientMessage(complaint ?? "", true);
      return finish(answer("ok", "dnserr", fqdns));
    }
    let list = parsed.list;
    if (!parsed.given && txt === undefined) {
      // No address sent: the connection's address (already IPv4 for IPv4-mapped peers).
      const remote = parseAddress(address);
      if (!remote) {
        for (const t of resolved) t.ledger!.clientMessage(resultLine("unusableAddress", { address: JSON.stringify(address) }), true);
        return finish(answer("ok", "dnserr", fqdns));
      }
      list = [{ addr: remote, sent: remote.text }];
    }

    // 10–11. Each host, each address.
    const perHost: AddressResult[][] = [];
    const lines: string[] = [];
    for (const t of targets) {
      if (!t.record) {
        lines.push(t.line!);
        continue;
      }
      const results = await processHost(t.record, t.ledger!, list, txt, req.mode, req.client.secure, now, principal);
      perHost.push(results);
      lines.push(targets.length === 1 ? combineResults(results) : singleLine(results));
    }
    if (perHost.some(hasServerFault)) {
      // 503 + Retry-After (results.ts hasServerFault). The client will retry everything it sent: those
      // retries are on us, not on it (updns.md §1.8).
      for (const t of resolved) t.ledger!.set({ lastServerFaultAt: now });
      return finish(answer("unavailable", lines.join("\n"), fqdns, RETRY_AFTER_SECONDS));
    }
    return finish(answer("ok", lines.join("\n"), fqdns));
  }

  /** Every named host must be covered by the same credentials (updns.md §1.2); others get a line of their own. */
  async function resolveTargets(principal: Principal, names: string[], address: string, now: Date): Promise<Target[]> {
    const out: Target[] = [];
    const byId = new Map<number, HostLedger>();
    if (principal.kind === "host") byId.set(principal.record.host.id, principal.ledger);
    for (const name of names) {
      if (principal.kind === "host") {
        const own = principal.record;
        if (name === own.fqdn) {
          out.push({ name, record: own, ledger: principal.ledger });
          continue;
        }
        const other = looksLikeFqdn(name) ? findHost(db, name) : null;
        if (other) {
          const known = byId.get(other.host.id);
          if (known) {
            out.push({ name, record: other, ledger: known });
            continue;
          }
          const check = await checkHostSecret(db, other, principal.password, "basic auth, several hosts", now);
          if (check.ok) {
            byId.set(other.host.id, check.ledger);
            out.push({ name, record: other, ledger: check.ledger });
            continue;
          }
          // A secret tried against another host is a guess like any other.
          limiter.fail(address, now.getTime());
        }
        principal.ledger.clientMessage(resultLine("wrongHost", { name: JSON.stringify(name.slice(0, 80)), fqdn: own.fqdn }), true);
        out.push({ name, line: looksLikeFqdn(name) ? "nohost" : "notfqdn" });
        continue;
      }
      const rec = looksLikeFqdn(name) ? findHost(db, name) : null;
      if (!rec || rec.host.ownerId !== principal.userId || !tokenCovers(principal.scopes, rec.fqdn, rec.domain.name)) {
        out.push({ name, line: looksLikeFqdn(name) ? "nohost" : "notfqdn" });
        continue;
      }
      let ledger = byId.get(rec.host.id);
      if (!ledger) {
        ledger = new HostLedger(rec.host.id, rec.fqdn, now);
        if (!principal.session) ledger.apiAuthMessage(resultLine("authSuccessToken", { token: JSON.stringify(principal.name) }), false);
        byId.set(rec.host.id, ledger);
      }
      out.push({ name, record: rec, ledger });
    }
    return out;
  }

  async function processHost(rec: HostRecord, ledger: HostLedger, list: SentAddress[], txt: string | undefined, mode: UpdateMode, secure: boolean, now: Date, principal: Principal): Promise<AddressResult[]> {
    const { host, domain } = rec;
    const zone = zoneRefOf(domain);
    const backend = deps.backendFor(zone);
    const ttl = effectiveTtl(host, domain);
    const afterOurFault = host.lastServerFaultAt !== null;
    const verb = mode === "update" ? "update" : "delete";
    let ourFault = false;
    const results: AddressResult[] = [];

    // Checks shared by addresses and TXT (§1.3 a, b) and the owner's zone switch.
    const gate = (what: string): AddressResult | null => {
      if (host.abuse || host.abuseBlocked) {
        ledger.clientMessage(resultLine("abuseFlag", { what }), false);
        return { code: "abuse" };
      }
      if (!host.available) {
        ledger.clientMessage(resultLine("unavailable", { what }), false);
        return { code: "nohost" };
      }
      if (!domain.available) {
        ledger.serverMessage(resultLine("zoneOff", { what, zone: domain.name }), true);
        ourFault = true;
        return { code: "dnserr", transient: true };
      }
      return null;
    };
    const dnsError = (e: unknown, sent: { what: string; address: string; tls: boolean } | null): AddressResult => {
      const transient = e instanceof ZoneBackendError ? e.transient : true;
      const error = e instanceof Error ? e.message : String(e);
      ledger.serverMessage(sent ? resultLine("dnsError", { ...sent, error }) : resultLine("txtDnsError", { error }), true);
      ourFault = true;
      if (!(e instanceof ZoneBackendError)) log.error("zone backend failed unexpectedly", { zone: zone.name, error: e });
      return { code: "dnserr", transient };
    };

    for (const { addr, sent } of list) {
      const blocked = gate(verb);
      if (blocked) {
        results.push(blocked);
        continue;
      }
      const type = recordType(addr.kind);
      if (principal.kind === "token" && principal.scopes.types && !principal.scopes.types.includes(type)) {
        results.push({ code: "nohost" });
        continue;
      }
      const v4 = addr.kind === "ipv4";
      let prefixOnly = false;
      if (mode === "update") {
        const prefixLength = v4 ? host.netmaskIpv4 : host.netmaskIpv6;
        prefixOnly = isPrefixOnly(addr, prefixLength);
        // §1.3 e: an update to a blacklisted address flags the host and removes its records (§3.2).
        if (badIps.has(addr)) {
          host.abuse = host.abuseBlocked = true;
          ledger.set({ abuse: true, abuseBlocked: true });
          ledger.clientMessage(resultLine("blacklisted", { address: addr.text }), true);
          for (const t of ["A", "AAAA"] as const) await backend.remove(zone, host.name, t).catch(() => undefined);
          results.push({ code: "abuse" });
          continue;
        }
      }
      // §1.3 f: the poke happens before the DNS action, whatever its outcome.
      const previous = v4 ? host.lastUpdateIpv4 : host.lastUpdateIpv6;
      const poke = v4 ? { lastUpdateIpv4: now, tlsUpdateIpv4: secure } : { lastUpdateIpv6: now, tlsUpdateIpv6: secure };
      Object.assign(host, poke);
      ledger.set(poke);

      let outcome;
      try {
        outcome = mode === "delete" || prefixOnly ? await backend.remove(zone, host.name, type) : await backend.replace(zone, host.name, type, [addr.text], ttl);
      } catch (e) {
        results.push(dnsError(e, { what: verb, address: addr.text, tls: secure }));
        continue;
      }
      if (mode === "delete") {
        ledger.clientMessage(resultLine("deleted", { type, tls: secure }), false);
        results.push({ code: "deleted", type });
        continue;
      }
      if (!prefixOnly && outcome === "unchanged") {
        // updns.md §1.8: keep-alives and retries after our own dnserr are not the client's fault.
        const keepalive = previous === null || now.getTime() - previous.getTime() >= KEEPALIVE_MS;
        const kind = keepalive ? "keepalive" : afterOurFault ? "retry" : "noChange";
        ledger.noChangeMessage(resultLine(kind, { address: addr.text, tls: secure }), kind === "noChange");
        results.push({ code: "nochg", ip: sent });
        continue;
      }
      ledger.clientMessage(prefixOnly ? resultLine("prefixOnly", { type, address: addr.text, tls: secure }) : resultLine("good", { address: addr.text, tls: secure }), false);
      // §1.7, §1.8: related hosts and forwarding, also for a prefix-only update.
      await updateRelatedHosts({ backend, zone, hostName: host.name, hostFqdn: rec.fqdn, ttl, related: relatedHostsOf(db, host.id), ledger, log }, addr, v4 ? host.netmaskIpv4 : host.netmaskIpv6);
      for (const id of forwardTargets(db, host.id, addr.kind)) forwarder.enqueue(id, addr.text);
      results.push({ code: "good", ip: sent });
    }

    if (txt !== undefined && principal.kind === "token" && principal.scopes.types && !principal.scopes.types.includes("TXT")) results.push({ code: "nohost" });
    else if (txt !== undefined) results.push(await updateTxt(rec, ledger, backend, zone, txt, now, gate, dnsError));

    if (ourFault) ledger.set({ lastServerFaultAt: now });
    else if (afterOurFault && results.length > 0) ledger.set({ lastServerFaultAt: null });
    return results;
  }

  /**
   * updns.md §1.9: `txt=` adds a value to `_acme-challenge.<host>` TXT (several live at once, so a name and
   * its wildcard validate in one run; a value sent again is nochg and lives on), an empty value deletes all.
   */
  async function updateTxt(
    rec: HostRecord,
    ledger: HostLedger,
    backend: ZoneBackend,
    zone: ZoneRef,
    txt: string,
    now: Date,
    gate: (what: string) => AddressResult | null,
    dnsError: (e: unknown, sent: null) => AddressResult,
  ): Promise<AddressResult> {
    const blocked = gate("txt update");
    if (blocked) return blocked;
    const target = { host: rec.host, domain: rec.domain, backend, zone };
    try {
      if (txt === "") {
        await clearHostTxt(db, target);
        ledger.clientMessage(resultLine("txtDeleted"), false);
        return { code: "deleted", type: "TXT" };
      }
      const outcome = await addHostTxt(db, target, txt, challengeTxt, now);
      ledger.clientMessage(resultLine("txtUpdated", { outcome }), false);
      return outcome === "refreshed" ? { code: "nochg", ip: "" } : { code: "good", ip: "" };
    } catch (e) {
      return dnsError(e, null);
    }
  }

  async function setAddresses(principal: Principal, rec: HostRecord, change: AddressChange, client: { address: string; secure: boolean }): Promise<AddressResult[]> {
    const now = clock.now();
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
    const ledger = new HostLedger(rec.host.id, rec.fqdn, now);
    if (principal.kind === "token" && !(principal as { session?: boolean }).session) ledger.apiAuthMessage(resultLine("authSuccessJson", { token: JSON.stringify(principal.name) }), false);
    const zero: Record<AddressKind, SentAddress> = {
      ipv4: { addr: parseAddress("0.0.0.0")!, sent: "0.0.0.0" },
      ipv6: { addr: parseAddress("::")!, sent: "::" },
    };
    const results = await processHost(rec, ledger, list, change.txt, "update", client.secure, now, principal);
    if (change.remove.length > 0) results.push(...(await processHost(rec, ledger, change.remove.map((k) => zero[k]), undefined, "delete", client.secure, now, principal)));
    if (hasServerFault(results)) ledger.set({ lastServerFaultAt: now });
    ledger.flush(db);
    log.info("json api address change", { host: rec.fqdn, result: singleLine(results), client: client.address });
    return results;
  }

  return { handle, limiter, setAddresses };
}
