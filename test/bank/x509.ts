// @peculiar/x509 needs a Reflect metadata polyfill (tsyringe) loaded before it, and Node's
// WebCrypto as its provider: every bank module imports the library through here.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto is the Crypto the library's types mean (they are DOM types).
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export * from '@peculiar/x509';
