// What the request is made of: the bank's /csrattrs (RFC 7030 §4.5), read while cacerts is
// fetched, against the policy. A bank without /csrattrs, or one whose answer cannot be read,
// gets the policy's request: csrattrs only ever adjusts it, it never stops a renewal.
import { toApiError } from '../errors';
import type { EstClient } from '../est';
import { defaultShape, readCsrAttrs, requestShapeOf, type RequestShape } from '../est';
import type { RenewalDeps } from './types';

export type { RequestShape } from '../est';

/**
 * Whether a policy layer sets keyType itself, the bank's built-in policy and the user's file
 * included (`origins`); a policy given without origins or `managed` is taken as setting it.
 */
function keyTypeSet(deps: RenewalDeps): boolean {
  if (deps.origins) return 'keyType' in deps.origins;
  return !deps.managed || deps.managed.includes('keyType');
}

export async function readRequestShape(deps: RenewalDeps, client: EstClient, signal?: AbortSignal): Promise<RequestShape> {
  let shape: RequestShape;
  try {
    const der = await client.csrattrs(signal);
    shape = requestShapeOf(der ? readCsrAttrs(der) : null, { keyType: deps.policy.keyType, keyTypeSet: keyTypeSet(deps) });
  } catch (err) {
    shape = defaultShape(deps.policy.keyType);
    shape.ignored.push(`csrattrs could not be read (${toApiError(err).code}): the request follows the policy`);
    shape.notes.ignored.push({ code: 'CSRATTRS_UNREADABLE', error: toApiError(err).code });
  }
  for (const line of shape.honoured) deps.log?.(`csrattrs: honoured ${line}`);
  for (const line of shape.ignored) deps.log?.(`csrattrs: ignored ${line}`);
  return shape;
}
