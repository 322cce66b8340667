// Per spec file: one private keyring session and one bank simulator (beforeAll), a fresh
// backend (its own NSS db, settings and journal) per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBank, type Bank } from '../bank';
import { test } from './fixtures';
import { startBackend, type Backend, type BackendOptions } from './backend';
import { keyringSession } from './keyring';

export interface World {
  bank: Bank;
  bankDir: string;
  backend: Backend;
  /** Replaces this test's backend (e.g. with another policy) before the page opens. */
  restart(opts?: Omit<BackendOptions, 'bank'>): Promise<Backend>;
}

let counter = 0;
/** Account IDs unique within the run, so tests never share a bank account. */
export function accountId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** `bankShape`: a bank shaped unlike the simulator's default (e.g. a /csrattrs with content). */
export function useWorld(bankShape: Omit<Parameters<typeof startBank>[0], 'dataDir'> = {}): World {
  const world = {} as World;
  test.beforeAll(async () => {
    keyringSession();
    world.bankDir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-bank-'));
    world.bank = await startBank({ ...bankShape, dataDir: world.bankDir });
  });
  test.afterAll(async () => {
    await world.bank?.stop();
    rmSync(world.bankDir, { recursive: true, force: true });
  });
  test.beforeEach(async () => {
    world.bank.setClock(null);
    world.bank.setPending(0);
    world.backend = await startBackend({ bank: world.bank });
  });
  test.afterEach(async () => {
    await world.backend?.close();
  });
  world.restart = async (opts = {}) => {
    await world.backend.close();
    world.backend = await startBackend({ bank: world.bank, ...opts });
    return world.backend;
  };
  return world;
}
