// dist-cli/cli.js: runs the command line's bundle (certdesk.cjs) through V8's code cache.
// Compiling the 800 kB bundle at every start cost about a sixth of a `certdesk renew`; the cache,
// written after the first real run of each command (so it holds the functions that command ran,
// not only the top level), is deserialised instead. Node 20 has no module.enableCompileCache.
//
// The cache is code: a cache someone else can write would be code someone else chose. So it is
// used only from the user's own cache folder (owned by this user, not group- or world-writable,
// in a home this user owns), read through a descriptor opened without following links and
// checked again after opening, and written to a random name opened exclusively, then renamed.
// V8 checks the cache against the source, its version and flags, and rejects a mismatch; a
// rejected or missing cache is rewritten after the run. CERTDESK_CODE_CACHE=0 turns it off.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const self = fileURLToPath(import.meta.url);
const bundle = join(dirname(self), 'certdesk.cjs');
const source = readFileSync(bundle, 'utf8');
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
// One cache per command: each holds what its own command compiled lazily.
const COMMANDS = new Set(['status', 'inspect', 'doctor', 'renew', 'acquire', 'check', 'schedule']);
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
// The bundle's SHA-256, written in by the build (build-cli.mjs) beside the bundle it names:
// hashing the bundle at every start cost 2–3 ms (issue 29). A loader without it hashes.
const BUILT_SHA256 = '@@CERTDESK_BUNDLE_SHA256@@';
const sourceHash = /^[0-9a-f]{64}$/.test(BUILT_SHA256) ? BUILT_SHA256 : createHash('sha256').update(source).digest('hex');
const cacheName = `${createHash('sha256').update(sourceHash).update(process.version).update(process.arch).digest('hex').slice(0, 24)}-${COMMANDS.has(command) ? command : 'other'}.bin`;

/** The user's own cache folder, or null where none is safe to use. */
function cacheDir() {
  if (process.env.CERTDESK_CODE_CACHE === '0') return null;
  try {
    if (process.platform === 'win32') {
      const base = process.env.LOCALAPPDATA;
      return base ? join(base, 'CertDesk', 'code-cache') : null;
    }
    const uid = process.getuid();
    const home = homedir();
    // sudo with HOME kept: another user's home is not ours to write code into, nor to read it from.
    if (statSync(home).uid !== uid) return null;
    const base = process.platform === 'darwin' ? join(home, 'Library', 'Caches') : process.env.XDG_CACHE_HOME || join(home, '.cache');
    return join(base, 'certdesk', 'code-cache');
  } catch {
    return null;
  }
}

/** Owned by this user and writable by nobody else (always true on Windows, where the folder's ACL is the user's). */
function ours(st) {
  if (process.platform === 'win32') return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

function readCache(dir) {
  if (!dir) return undefined;
  let fd;
  try {
    if (!ours(lstatSync(dir))) return undefined;
    fd = openSync(join(dir, cacheName), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || !ours(st) || st.size > MAX_CACHE_BYTES) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeCache(dir, data) {
  if (!dir) return;
  const tmp = join(dir, `.${cacheName}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ours(lstatSync(dir))) return;
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, cacheName));
  } catch {
    // A cache not written costs the next start its compile time, nothing else.
    rmSync(tmp, { force: true });
  }
}

const dir = cacheDir();
const cachedData = readCache(dir);
const wrapper = `(function (exports, require, module, __filename, __dirname, __certdeskUrl) {${source}\n})`;
// The bundle has no import(): the build turned it into require() (build-cli.mjs).
const script = new vm.Script(wrapper, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
if (!cachedData || script.cachedDataRejected) {
  // After the run: the cache then holds every function the command compiled.
  process.once('exit', () => writeCache(dir, script.createCachedData()));
}
const module = { exports: {} };
// import.meta.url inside the bundle is this loader's URL, so the bundle knows itself as the entry.
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), pathToFileURL(self).href);
