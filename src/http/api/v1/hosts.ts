// /api/v1/hosts and /api/v1/hosts/{fqdn}/related: the web UI's host use cases (core/hosts-edit.ts,
// core/related-edit.ts) behind JSON, with access decided by core/access.ts.
import {
  addHost,
  addRelated,
  currentAddresses,
  deleteHost,
  deleteRelated,
  hostById,
  hostFor,
  hostsFor,
  regenerateHostSecret,
  relatedOf,
  requireTypes,
  updateHostSettings,
  updateRelated,
  zoneForNewHost,
  ValidationError,
  type AddressKind,
  type AddressResult,
  type BackendFor,
  type HostRecord,
} from "../../../core/index.ts";
import { ApiError, RETRY_AFTER_DNS } from "./errors.ts";
import { paginate } from "./paginate.ts";
import { route, type ApiRoute, type Ctx } from "./route.ts";
import * as S from "./schemas.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
type RelatedHostRow = ReturnType<typeof relatedOf>[number];

export function hostJson(rec: HostRecord) {
  const h = rec.host;
  return {
    fqdn: rec.fqdn,
    zone: rec.domain.name,
    comment: h.comment,
    available: h.available,
    abuse: h.abuse,
    abuse_blocked: h.abuseBlocked,
    ttl: h.ttl,
    netmask_ipv4: h.netmaskIpv4,
    netmask_ipv6: h.netmaskIpv6,
    wildcard: h.wildcard,
    client_faults: h.clientFaults,
    server_faults: h.serverFaults,
    client_result: h.clientResultMsg,
    server_result: h.serverResultMsg,
    last_update_ipv4: iso(h.lastUpdateIpv4),
    last_update_ipv6: iso(h.lastUpdateIpv6),
  };
}

async function addressesOf(backendFor: BackendFor, rec: HostRecord, name?: string) {
  const { a, aaaa } = await currentAddresses(backendFor, rec, name);
  const out: { ipv4: string[]; ipv6: string[]; error?: string } = { ipv4: Array.isArray(a) ? a : [], ipv6: Array.isArray(aaaa) ? aaaa : [] };
  const err = [a, aaaa].find((x): x is string => typeof x === "string");
  if (err) out.error = err.replace(/^error: /, "");
  return out;
}

const relatedJson = (rec: HostRecord, r: RelatedHostRow) => ({
  name: r.name,
  fqdn: `${r.name}.${rec.fqdn}`,
  comment: r.comment,
  interface_id_ipv4: r.interfaceIdIpv4,
  interface_id_ipv6: r.interfaceIdIpv6,
  available: r.available,
});

function relatedNamed(ctx: Ctx, rec: HostRecord): RelatedHostRow {
  const name = String(ctx.params.name).toLowerCase();
  const r = relatedOf(ctx.deps.db, rec.host.id).find((x) => x.name === name);
  if (!r) throw new ApiError("not_found", `${rec.fqdn} has no related host named ${name}`);
  return r;
}

/** DNS cleanup errors do not undo a deletion (the baseline's behaviour); they are logged for the operator. */
function logCleanup(ctx: Ctx, what: string, errors: string[]) {
  if (errors.length) ctx.deps.log.warn("some DNS records could not be removed", { what, errors: errors.join("; "), by: ctx.actor.label });
}

/** The dyndns2 words of an address change as an HTTP outcome: the first refusal decides, else 200. */
function refusal(results: { family: string; r: AddressResult }[], rec: HostRecord): ApiError | null {
  for (const { family, r } of results) {
    switch (r.code) {
      case "good":
      case "nochg":
      case "deleted":
        continue;
      case "abuse":
        return new ApiError("forbidden", `${rec.fqdn} is flagged for abuse; clear the flag (abuse: false) or ask staff if it is blocked`);
      case "nohost":
        return new ApiError("conflict", `${rec.fqdn} is switched off (available: false); ${family} was not changed`);
      case "dnserr":
        return r.transient
          ? new ApiError("unavailable", `the nameserver of ${rec.domain.name} failed; ${family} may not be changed, retry later`, undefined, { "retry-after": String(RETRY_AFTER_DNS) })
          : new ApiError("unavailable", `the nameserver of ${rec.domain.name} refused the change of ${family}`);
      default:
        return new ApiError("invalid_request", `${family}: ${r.code}`);
    }
  }
  return null;
}

export const hostRoutes: ApiRoute[] = [
  route({
    method: "GET",
    path: "/hosts",
    operationId: "listHosts",
    summary: "The account's hosts within the token's scope, by zone then name",
    tag: "hosts",
    query: S.Pagination,
    write: false,
    ok: { status: 200, schema: S.HostPage, description: "One page of hosts" },
    handler: (ctx) => paginate(hostsFor(ctx.deps.db, ctx.actor), (r) => `${r.domain.name} ${r.host.name}`, ctx.query, hostJson),
  }),
  route({
    method: "POST",
    path: "/hosts",
    operationId: "createHost",
    summary: "Create a host in a zone offered to the account; its update secret is in the answer, once",
    tag: "hosts",
    body: S.HostCreate,
    write: true,
    ok: { status: 201, schema: S.HostCreated, description: "The new host and its update secret" },
    async handler(ctx) {
      const { db } = ctx.deps;
      const { host, domain } = zoneForNewHost(db, ctx.actor, ctx.body.fqdn);
      const rec = addHost(db, { ownerId: ctx.actor.userId, name: host, domainId: domain.id, comment: ctx.body.comment });
      const secret = await regenerateHostSecret(db, rec.host.id);
      ctx.deps.log.info("host created", { host: rec.fqdn, by: ctx.actor.label });
      return { host: hostJson(hostById(db, rec.host.id)!), update_secret: secret };
    },
  }),
  route({
    method: "GET",
    path: "/hosts/{fqdn}",
    operationId: "getHost",
    summary: "One host with its current addresses as its zone's nameserver answers them",
    tag: "hosts",
    params: S.HostParams,
    write: false,
    ok: { status: 200, schema: S.Host, description: "The host" },
    async handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "read");
      return { ...hostJson(rec), addresses: await addressesOf(ctx.deps.backendFor, rec) };
    },
  }),
  route({
    method: "PATCH",
    path: "/hosts/{fqdn}",
    operationId: "updateHost",
    summary: "Change a host's settings (comment, available, TTL, netmasks, wildcard; clear the abuse flag)",
    tag: "hosts",
    params: S.HostParams,
    body: S.HostPatch,
    write: true,
    ok: { status: 200, schema: S.Host, description: "The host as it is now" },
    handler(ctx) {
      const { db } = ctx.deps;
      const rec = hostFor(db, ctx.actor, ctx.params.fqdn, "write");
      const h = rec.host;
      const b = ctx.body;
      updateHostSettings(db, rec, {
        comment: b.comment ?? h.comment,
        available: b.available ?? h.available,
        abuse: b.abuse ?? h.abuse,
        netmaskIpv4: b.netmask_ipv4 ?? h.netmaskIpv4,
        netmaskIpv6: b.netmask_ipv6 ?? h.netmaskIpv6,
        ttl: b.ttl ?? h.ttl,
        wildcard: b.wildcard ?? h.wildcard,
      });
      return hostJson(hostById(db, h.id)!);
    },
  }),
  route({
    method: "DELETE",
    path: "/hosts/{fqdn}",
    operationId: "deleteHost",
    summary: "Delete a host; its A, AAAA, ACME TXT and related hosts' records leave DNS",
    tag: "hosts",
    params: S.HostParams,
    write: true,
    ok: { status: 204, description: "Deleted" },
    async handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "write");
      // Deleting takes every record type the host owns out of DNS: the token must be allowed all of them.
      requireTypes(ctx.actor, ["A", "AAAA", "TXT"]);
      let errors: string[];
      try {
        errors = await deleteHost(ctx.deps.db, ctx.deps.backendFor, rec);
      } catch (e) {
        // Core refuses to delete a host staff blocked for abuse: the request is fine, the host's state is not.
        if (e instanceof ValidationError && e.field === "host") throw new ApiError("conflict", e.message);
        throw e;
      }
      logCleanup(ctx, rec.fqdn, errors);
      ctx.deps.log.info("host deleted", { host: rec.fqdn, by: ctx.actor.label });
      return null;
    },
  }),
  route({
    method: "PUT",
    path: "/hosts/{fqdn}/addresses",
    operationId: "setAddresses",
    summary: "Set or delete the host's A, AAAA and _acme-challenge TXT, with the rules of a dyndns2 update",
    tag: "hosts",
    params: S.HostParams,
    body: S.AddressesPut,
    write: true,
    ok: { status: 200, schema: S.AddressesResult, description: "Per family what happened (good, nochg, deleted) and the addresses now" },
    async handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "write");
      const b = ctx.body as { ipv4?: string | null; ipv6?: string | null; txt?: string | null };
      const set: string[] = [];
      const remove: AddressKind[] = [];
      const families: string[] = [];
      const types: string[] = [];
      for (const kind of ["ipv4", "ipv6"] as const) {
        const v = b[kind];
        if (v === undefined) continue;
        types.push(kind === "ipv4" ? "A" : "AAAA");
        if (v !== null) {
          set.push(v);
          families.push(kind);
        }
      }
      if (b.txt !== undefined) types.push("TXT");
      requireTypes(ctx.actor, types);
      // An address of the wrong family in a field is the caller's mistake, not something to reinterpret.
      for (const kind of ["ipv4", "ipv6"] as const) {
        const v = b[kind];
        if (typeof v === "string" && (kind === "ipv4" ? v.includes(":") : !v.includes(":"))) throw new ApiError("invalid_request", `${kind}: ${JSON.stringify(v.slice(0, 64))} is not an ${kind} address`, kind);
      }
      for (const kind of ["ipv4", "ipv6"] as const) if (b[kind] === null) remove.push(kind);
      if (b.txt !== undefined) families.push("txt");
      families.push(...remove);
      const results = await ctx.deps.updates.setAddresses({ kind: "token", tokenId: ctx.actor.tokenId ?? 0, userId: ctx.actor.userId, scopes: ctx.actor.scopes, name: ctx.actor.name }, rec, { set, remove, txt: b.txt === undefined ? undefined : (b.txt ?? "") }, ctx.client);
      const paired = results.map((r, i) => ({ family: families[i] ?? "?", r }));
      const refused = refusal(paired, rec);
      if (refused) throw refused;
      return {
        results: paired.map(({ family, r }) => ({ family, result: r.code, ...("ip" in r && r.ip ? { value: r.ip } : {}) })),
        addresses: await addressesOf(ctx.deps.backendFor, rec),
      };
    },
  }),
  route({
    method: "POST",
    path: "/hosts/{fqdn}/secret",
    operationId: "regenerateSecret",
    summary: "A new update secret for the host; the old one stops working now",
    tag: "hosts",
    params: S.HostParams,
    write: true,
    ok: { status: 200, schema: S.Secret, description: "The new secret, shown once" },
    async handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "write");
      const secret = await regenerateHostSecret(ctx.deps.db, rec.host.id);
      ctx.deps.log.info("host secret regenerated", { host: rec.fqdn, by: ctx.actor.label });
      return { update_secret: secret };
    },
  }),
  route({
    method: "GET",
    path: "/hosts/{fqdn}/related",
    operationId: "listRelated",
    summary: "The host's related hosts (same network, own interface ids)",
    tag: "related hosts",
    params: S.HostParams,
    query: S.Pagination,
    write: false,
    ok: { status: 200, schema: S.RelatedPage, description: "One page of related hosts" },
    handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "read");
      return paginate(relatedOf(ctx.deps.db, rec.host.id), (r) => r.name, ctx.query, (r) => relatedJson(rec, r));
    },
  }),
  route({
    method: "POST",
    path: "/hosts/{fqdn}/related",
    operationId: "createRelated",
    summary: "Add a related host; it gets records at the main host's next update",
    tag: "related hosts",
    params: S.HostParams,
    body: S.RelatedInput,
    write: true,
    ok: { status: 201, schema: S.Related, description: "The related host" },
    handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "write");
      const b = ctx.body;
      const r = addRelated(ctx.deps.db, rec.host.id, { name: b.name, comment: b.comment ?? "", interfaceIdIpv4: b.interface_id_ipv4 ?? "", interfaceIdIpv6: b.interface_id_ipv6 ?? "", available: b.available ?? true });
      return relatedJson(rec, r);
    },
  }),
  route({
    method: "GET",
    path: "/hosts/{fqdn}/related/{name}",
    operationId: "getRelated",
    summary: "One related host with its current addresses",
    tag: "related hosts",
    params: S.RelatedParams,
    write: false,
    ok: { status: 200, schema: S.Related, description: "The related host" },
    async handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "read");
      const r = relatedNamed(ctx, rec);
      return { ...relatedJson(rec, r), addresses: await addressesOf(ctx.deps.backendFor, rec, `${r.name}.${rec.host.name}`) };
    },
  }),
  route({
    method: "PATCH",
    path: "/hosts/{fqdn}/related/{name}",
    operationId: "updateRelated",
    summary: "Change a related host; a renamed one leaves its old name in DNS no longer",
    tag: "related hosts",
    params: S.RelatedParams,
    body: S.RelatedPatch,
    write: true,
    ok: { status: 200, schema: S.Related, description: "The related host as it is now" },
    async handler(ctx) {
      const { db } = ctx.deps;
      const rec = hostFor(db, ctx.actor, ctx.params.fqdn, "write");
      const r = relatedNamed(ctx, rec);
      const b = ctx.body;
      const errors = await updateRelated(db, ctx.deps.backendFor, rec, r, {
        name: b.name ?? r.name,
        comment: b.comment ?? r.comment,
        interfaceIdIpv4: b.interface_id_ipv4 ?? r.interfaceIdIpv4,
        interfaceIdIpv6: b.interface_id_ipv6 ?? r.interfaceIdIpv6,
        available: b.available ?? r.available,
      });
      logCleanup(ctx, `${r.name}.${rec.fqdn}`, errors);
      return relatedJson(rec, relatedOf(db, rec.host.id).find((x) => x.id === r.id)!);
    },
  }),
  route({
    method: "DELETE",
    path: "/hosts/{fqdn}/related/{name}",
    operationId: "deleteRelated",
    summary: "Delete a related host and its records",
    tag: "related hosts",
    params: S.RelatedParams,
    write: true,
    ok: { status: 204, description: "Deleted" },
    async handler(ctx) {
      const rec = hostFor(ctx.deps.db, ctx.actor, ctx.params.fqdn, "write");
      requireTypes(ctx.actor, ["A", "AAAA"]);
      const r = relatedNamed(ctx, rec);
      logCleanup(ctx, `${r.name}.${rec.fqdn}`, await deleteRelated(ctx.deps.db, ctx.deps.backendFor, rec, r));
      return null;
    },
  }),
];
