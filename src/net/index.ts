// net: the text forms of network endpoints ("host:port"), read the same way by every layer. Imports nothing of ours.
export { parseHostPort, splitHostPort, HostPortError, type HostPort, type HostPortForm } from "./host-port.ts";
