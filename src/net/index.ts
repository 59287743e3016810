// net: network addresses, prefixes, endpoints ("host:port") and the canonical order of domain names, read
// the same way by every layer. Imports nothing of ours.
export { parseHostPort, splitHostPort, HostPortError, type HostPort, type HostPortForm } from "./host-port.ts";
export { canonicalCompare } from "./names.ts";
export {
  addressBits,
  AddressSet,
  isPrefixOnly,
  networkOf,
  parseAddress,
  recordType,
  sameAddress,
  stripPrefixLength,
  unmapped,
  withInterfaceId,
  type Address,
  type AddressKind,
} from "./addresses.ts";
