// net: the text forms of network names and endpoints ("host:port", the canonical order of domain names),
// read the same way by every layer. Imports nothing of ours.
export { parseHostPort, splitHostPort, HostPortError, type HostPort, type HostPortForm } from "./host-port.ts";
export { canonicalCompare } from "./names.ts";
