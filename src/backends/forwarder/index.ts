// Forwarding to third-party dyndns2 services: the worker that drains forward_queue. Enqueueing is core's
// queueForwarder (core/forward.ts), which the dyndns2 API uses by default.
export { createForwardWorker, pendingForwards, type ForwardWorker, type ForwardWorkerOptions } from "./worker.ts";
export { queueForwarder } from "../../core/index.ts";
