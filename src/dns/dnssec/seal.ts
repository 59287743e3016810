// DNSSEC private keys at rest are sealed by the database's one mechanism (db/sealed.ts: AES-256-GCM under
// the master key, the data dir's dnssec.key or [dnssec] master_key); the names below are the ones dns/zone
// and the tests use.
export { sealSecret, openSecret, parseMasterKey, loadOrCreateMasterKey, masterKeyFor as dnssecMasterKey } from "../../db/index.ts";
