// pkijs on Node's WebCrypto, set once for the whole core.
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const subtle: webcrypto.SubtleCrypto = webcrypto.subtle;
// pkijs's types name the DOM's Crypto, which this Node-only build does not load.
export const engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as never });
pkijs.setEngine('node-webcrypto', engine);
