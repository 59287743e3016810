// /api/v1/zones and the static records of embedded zones (core/zone-records.ts over the zone store's
// transaction: CNAME exclusivity, names inside the zone and rdata syntax are the store's rules).
import { addDomain, ownerName, ownsZone, recordZoneFor, relativeName, requireTypes, zoneFor, zonesFor, type Actor, type DomainRow, type ZoneRecords } from "../../../core/index.ts";
import { ApiError } from "./errors.ts";
import { paginate } from "./paginate.ts";
import { route, type ApiRoute, type Ctx } from "./route.ts";
import * as S from "./schemas.ts";

const zoneJson = (actor: Actor, d: DomainRow) => ({
  name: d.name,
  backend: d.backend,
  public: d.public,
  available: d.available,
  owned: ownsZone(actor, d),
  ttl_min: d.ttlMin,
  ttl_max: d.ttlMax,
});

function records(ctx: Ctx): ZoneRecords {
  if (!ctx.deps.records) throw new ApiError("not_found", "this server has no embedded zones");
  return ctx.deps.records;
}

/** Records sort by owner read right to left (the zone's tree order), then type. */
const recordKey = (r: { fqdn: string; type: string }) => `${r.fqdn.split(".").reverse().join(".")} ${r.type}`;

export const zoneRoutes: ApiRoute[] = [
  route({
    method: "POST",
    path: "/zones",
    operationId: "createZone",
    summary: "Add a zone owned by the account: rfc2136 (any account; starts unavailable) or embedded ([domains] add); the same ownership rules as the web UI. Its TSIG secret is in the answer, once",
    tag: "zones",
    body: S.ZoneCreate,
    write: true,
    ok: { status: 201, schema: S.ZoneCreated, description: "The new zone and its TSIG key" },
    async handler(ctx) {
      const { db, zoneEditor } = ctx.deps;
      // A token narrowed to some hosts or zones was made for those; a new zone is outside it.
      if (ctx.actor.scopes.hosts || ctx.actor.scopes.zones) throw new ApiError("forbidden", "a token limited to hosts or zones cannot add zones");
      const b = ctx.body;
      const made = await addDomain(db, zoneEditor ?? undefined, {
        name: b.name,
        ownerId: ctx.actor.userId,
        comment: b.comment,
        backend: b.backend,
        ns: b.ns,
        secondaries: b.secondaries,
        primary: b.primary,
        queryServer: b.query_server,
        keyName: b.key_name,
        algorithm: b.algorithm,
        by: { userId: ctx.actor.userId, isStaff: ctx.actor.isStaff },
        policy: ctx.deps.domainsAdd,
      });
      zoneEditor?.reconfigure?.();
      ctx.deps.log.info("domain added", { zone: made.domain.name, backend: made.domain.backend, by: ctx.actor.label });
      return { zone: zoneJson(ctx.actor, made.domain), key: made.key };
    },
  }),
  route({
    method: "GET",
    path: "/zones",
    operationId: "listZones",
    summary: "Zones the account can use (its own, public ones, those of its hosts) within the token's scope",
    tag: "zones",
    query: S.Pagination,
    write: false,
    ok: { status: 200, schema: S.ZonePage, description: "One page of zones" },
    handler: (ctx) => paginate(zonesFor(ctx.deps.db, ctx.actor), (d) => d.name, ctx.query, (d) => zoneJson(ctx.actor, d)),
  }),
  route({
    method: "GET",
    path: "/zones/{zone}",
    operationId: "getZone",
    summary: "One zone",
    tag: "zones",
    params: S.ZoneParams,
    write: false,
    ok: { status: 200, schema: S.Zone, description: "The zone" },
    handler: (ctx) => zoneJson(ctx.actor, zoneFor(ctx.deps.db, ctx.actor, ctx.params.zone)),
  }),
  route({
    method: "GET",
    path: "/zones/{zone}/records",
    operationId: "listRecords",
    summary: "Static RRsets of an embedded zone the account owns (dynamic hosts' names and DNSSEC records left out)",
    tag: "records",
    params: S.ZoneParams,
    query: S.Pagination,
    write: false,
    ok: { status: 200, schema: S.RRsetPage, description: "One page of RRsets" },
    async handler(ctx) {
      const d = recordZoneFor(ctx.deps.db, ctx.actor, ctx.params.zone, "read");
      return paginate(await records(ctx).list(d), recordKey, ctx.query, (r) => r);
    },
  }),
  route({
    method: "GET",
    path: "/zones/{zone}/records/{name}/{type}",
    operationId: "getRecord",
    summary: "One static RRset",
    tag: "records",
    params: S.RecordParams,
    write: false,
    ok: { status: 200, schema: S.RRset, description: "The RRset" },
    async handler(ctx) {
      const d = recordZoneFor(ctx.deps.db, ctx.actor, ctx.params.zone, "read");
      const r = await records(ctx).get(d, ctx.params.name, ctx.params.type);
      if (!r) throw new ApiError("not_found", `no ${ctx.params.type.toUpperCase()} records at ${ctx.params.name} in ${d.name}`);
      return r;
    },
  }),
  route({
    method: "PUT",
    path: "/zones/{zone}/records/{name}/{type}",
    operationId: "putRecord",
    summary: "Replace one static RRset (an empty data list deletes it); one zone transaction, the serial moves, secondaries are notified",
    tag: "records",
    params: S.RecordParams,
    body: S.RRsetPut,
    write: true,
    ok: { status: 200, schema: S.RRset, description: "The RRset as the zone now holds it" },
    async handler(ctx) {
      const { db } = ctx.deps;
      const d = recordZoneFor(db, ctx.actor, ctx.params.zone, "write");
      const type = ctx.params.type.toUpperCase();
      requireTypes(ctx.actor, [type]);
      await records(ctx).replace(d, ctx.params.name, type, ctx.body.ttl, ctx.body.data);
      ctx.deps.log.info("static records changed", { zone: d.name, name: ctx.params.name, type, by: ctx.actor.label });
      const now = await records(ctx).get(d, ctx.params.name, type);
      const fqdn = ownerName(d.name, ctx.params.name);
      return now ?? { name: relativeName(d.name, fqdn), fqdn, type, ttl: ctx.body.ttl, data: [] };
    },
  }),
  route({
    method: "DELETE",
    path: "/zones/{zone}/records/{name}/{type}",
    operationId: "deleteRecord",
    summary: "Delete one static RRset",
    tag: "records",
    params: S.RecordParams,
    write: true,
    ok: { status: 204, description: "Deleted" },
    async handler(ctx) {
      const { db } = ctx.deps;
      const d = recordZoneFor(db, ctx.actor, ctx.params.zone, "write");
      const type = ctx.params.type.toUpperCase();
      requireTypes(ctx.actor, [type]);
      const have = await records(ctx).get(d, ctx.params.name, type);
      if (!have) throw new ApiError("not_found", `no ${type} records at ${ctx.params.name} in ${d.name}`);
      await records(ctx).replace(d, ctx.params.name, type, have.ttl, []);
      ctx.deps.log.info("static records deleted", { zone: d.name, name: ctx.params.name, type, by: ctx.actor.label });
      return null;
    },
  }),
];
