// The JSON shapes of /api/v1, as TypeBox schemas (Elysia's `t`). The same objects validate requests
// (validate.ts) and make the OpenAPI document (openapi.ts), so the document cannot drift from the checks.
import { t, type TSchema } from "elysia";

const Fqdn = t.String({ minLength: 3, maxLength: 253, description: "Host name inside a zone, e.g. home.dyn.example.org", examples: ["home.dyn.example.org"] });
const ZoneName = t.String({ minLength: 1, maxLength: 253, description: "Zone name, e.g. dyn.example.org" });
const DateTime = t.String({ format: "date-time" });
const Nullable = <T extends TSchema>(s: T) => t.Union([s, t.Null()]);
/**
 * Whole numbers as plain JSON Schema (`type: number, multipleOf: 1`): Elysia's t.Integer also accepts digit
 * strings (it is made for query strings), which a JSON body should not get away with.
 */
const Int = (o: { minimum?: number; maximum?: number; default?: number; description?: string } = {}) => t.Number({ multipleOf: 1, ...o });

export const ErrorBody = t.Object(
  {
    error: t.Object({
      code: t.Union(
        ["invalid_request", "unauthorized", "forbidden", "not_found", "conflict", "method_not_allowed", "rate_limited", "unavailable", "internal"].map((c) => t.Literal(c)),
        { description: "Stable machine-readable code" },
      ),
      message: t.String({ description: "What went wrong, for people" }),
      field: t.Optional(t.String({ description: "The request field at fault, when there is one" })),
    }),
  },
  { title: "Error" },
);

export const Pagination = t.Object({
  limit: t.Optional(Int({ minimum: 1, maximum: 200, default: 50, description: "Items per page" })),
  cursor: t.Optional(t.String({ maxLength: 512, description: "next_cursor of the previous page" })),
});

const page = <T extends TSchema>(item: T, title: string) =>
  t.Object({ items: t.Array(item), next_cursor: Nullable(t.String({ description: "Pass as cursor for the next page; null on the last" })) }, { title });

export const Addresses = t.Object({
  ipv4: t.Array(t.String()),
  ipv6: t.Array(t.String()),
  error: t.Optional(t.String({ description: "Set when the zone's nameserver could not be asked" })),
});

export const Host = t.Object(
  {
    fqdn: Fqdn,
    zone: ZoneName,
    comment: t.String(),
    available: t.Boolean(),
    abuse: t.Boolean(),
    abuse_blocked: t.Boolean(),
    ttl: Int(),
    netmask_ipv4: Int(),
    netmask_ipv6: Int(),
    wildcard: t.Boolean(),
    client_faults: Int(),
    server_faults: Int(),
    client_result: t.String(),
    server_result: t.String(),
    last_update_ipv4: Nullable(DateTime),
    last_update_ipv6: Nullable(DateTime),
    addresses: t.Optional(Addresses),
  },
  { title: "Host" },
);
export const HostPage = page(Host, "HostPage");

export const HostCreate = t.Object(
  {
    fqdn: Fqdn,
    comment: t.Optional(t.String({ maxLength: 255 })),
  },
  { title: "HostCreate", additionalProperties: false },
);

export const HostCreated = t.Object({ host: Host, update_secret: t.String({ description: "Shown once; only its hash is kept" }) }, { title: "HostCreated" });

export const HostPatch = t.Object(
  {
    comment: t.Optional(t.String({ maxLength: 255 })),
    available: t.Optional(t.Boolean()),
    abuse: t.Optional(t.Literal(false, { description: "The owner may clear the abuse flag, not set it" })),
    ttl: t.Optional(Int({ minimum: 0, maximum: 2147483647 })),
    netmask_ipv4: t.Optional(Int({ minimum: 0, maximum: 32 })),
    netmask_ipv6: t.Optional(Int({ minimum: 0, maximum: 64 })),
    wildcard: t.Optional(t.Boolean()),
  },
  { title: "HostPatch", additionalProperties: false, minProperties: 1 },
);

export const AddressesPut = t.Object(
  {
    ipv4: t.Optional(Nullable(t.String({ maxLength: 64, description: "New A record; null deletes it; absent leaves it" }))),
    ipv6: t.Optional(Nullable(t.String({ maxLength: 64, description: "New AAAA record (or a prefix for related hosts only); null deletes it" }))),
    txt: t.Optional(Nullable(t.String({ maxLength: 255, description: "a value added to _acme-challenge TXT (up to acme_dns.max_txt live at once, each for acme_dns.txt_lifetime); null deletes them all" }))),
  },
  { title: "AddressesPut", additionalProperties: false, minProperties: 1 },
);

export const AddressResult = t.Object({
  family: t.Union([t.Literal("ipv4"), t.Literal("ipv6"), t.Literal("txt")]),
  result: t.String({ description: "dyndns2 word: good, nochg, deleted, abuse, nohost, dnserr" }),
  value: t.Optional(t.String()),
});
export const AddressesResult = t.Object({ results: t.Array(AddressResult), addresses: Addresses }, { title: "AddressesResult" });

export const Secret = t.Object({ update_secret: t.String({ description: "Shown once; the old secret stops working now" }) }, { title: "Secret" });

export const Related = t.Object(
  {
    name: t.String(),
    fqdn: t.String(),
    comment: t.String(),
    interface_id_ipv4: t.String(),
    interface_id_ipv6: t.String(),
    available: t.Boolean(),
  },
  { title: "RelatedHost" },
);
export const RelatedPage = page(Related, "RelatedHostPage");

export const RelatedInput = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 63, description: "One label, below the main host" }),
    comment: t.Optional(t.String({ maxLength: 255 })),
    interface_id_ipv4: t.Optional(t.String({ maxLength: 64, examples: ["0.0.0.12"] })),
    interface_id_ipv6: t.Optional(t.String({ maxLength: 64, examples: ["::1:2ff:fe3:4"] })),
    available: t.Optional(t.Boolean()),
  },
  { title: "RelatedHostInput", additionalProperties: false },
);
export const RelatedPatch = t.Partial(RelatedInput, { title: "RelatedHostPatch", additionalProperties: false, minProperties: 1 });

export const Zone = t.Object(
  {
    name: ZoneName,
    backend: t.Union([t.Literal("embedded"), t.Literal("rfc2136")]),
    public: t.Boolean(),
    available: t.Boolean(),
    owned: t.Boolean({ description: "This account manages the zone's own records" }),
    ttl_min: Int(),
    ttl_max: Int(),
  },
  { title: "Zone" },
);
export const ZonePage = page(Zone, "ZonePage");

export const ZoneCreate = t.Object(
  {
    name: ZoneName,
    backend: t.Union([t.Literal("embedded"), t.Literal("rfc2136")]),
    comment: t.Optional(t.String({ maxLength: 255 })),
    ns: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 253 }), { maxItems: 20, description: "embedded: the apex NS names (default ns1.<zone>)" })),
    secondaries: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, description: "embedded: secondaries' addresses (ip or ip:port), sent NOTIFY and allowed AXFR/IXFR" })),
    primary: t.Optional(t.String({ maxLength: 64, description: "rfc2136: the primary's address (ip or ip:port)" })),
    query_server: t.Optional(t.String({ maxLength: 64 })),
    key_name: t.Optional(t.String({ maxLength: 253, description: "rfc2136: the TSIG key's name, one or more labels (default: the zone's name)" })),
    algorithm: t.Optional(t.String({ maxLength: 32 })),
  },
  { title: "ZoneCreate", additionalProperties: false },
);

export const ZoneCreated = t.Object(
  {
    zone: Zone,
    key: t.Object({ name: t.String(), algorithm: t.String(), secret: t.String({ description: "Shown once: rfc2136, the update key for the primary; embedded, the transfer key for secondaries" }) }),
  },
  { title: "ZoneCreated" },
);

export const RRset = t.Object(
  {
    name: t.String({ description: 'Owner relative to the zone, "@" for the apex' }),
    fqdn: t.String(),
    type: t.String(),
    ttl: Int(),
    data: t.Array(t.String(), { description: "Presentation rdata, as dig prints it" }),
  },
  { title: "RRset" },
);
export const RRsetPage = page(RRset, "RRsetPage");

export const RRsetPut = t.Object(
  {
    ttl: Int({ minimum: 0, maximum: 2147483647 }),
    data: t.Array(t.String({ minLength: 1, maxLength: 4096 }), { maxItems: 100, description: "Presentation rdata; [] deletes the RRset" }),
  },
  { title: "RRsetPut", additionalProperties: false },
);

export const TokenSelf = t.Object(
  {
    id: Int(),
    name: t.String(),
    user: t.String(),
    scopes: t.Object({
      hosts: t.Optional(t.Array(t.String())),
      zones: t.Optional(t.Array(t.String())),
      types: t.Optional(t.Array(t.String())),
      subnets: t.Optional(t.Array(t.String())),
      read_only: t.Boolean(),
    }),
    expires_at: Nullable(DateTime),
  },
  { title: "Token" },
);

export const HostParams = t.Object({ fqdn: Fqdn });
export const RelatedParams = t.Object({ fqdn: Fqdn, name: t.String({ minLength: 1, maxLength: 63 }) });
export const ZoneParams = t.Object({ zone: ZoneName });
export const RecordParams = t.Object({
  zone: ZoneName,
  name: t.String({ minLength: 1, maxLength: 253, description: 'Owner relative to the zone; "@" is the apex' }),
  type: t.String({ pattern: "^[A-Za-z][A-Za-z0-9]{0,9}$" }),
});
