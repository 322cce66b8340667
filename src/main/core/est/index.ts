// The EST client (RFC 7030) and its transports: see docs/core-modules.md, "est/".
export type { EstRequest, EstResponse, EstTransport, EstIdentity } from './types';
export { createNodeTransport } from './node-transport';
export type { NodeTransportOptions } from './node-transport';
export { EstClient } from './client';
export type { EstClientOptions } from './client';
export { createBodyCollector, MAX_BODY, type BodyCollector } from './body';
export { readCsrAttrs, defaultShape, requestShapeOf, type CsrAttrsWishes, type RequestShape, type SignatureHash } from './csrattrs';
