// Firefox keeps one NSS database per profile; profiles.ini says where the profiles are.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Folders of the Firefox profiles under ~/.mozilla/firefox that hold a cert9.db. */
export async function findFirefoxProfileDbs(opts: { home?: string } = {}): Promise<string[]> {
  const root = join(opts.home ?? homedir(), '.mozilla', 'firefox');
  let ini: string;
  try {
    ini = await readFile(join(root, 'profiles.ini'), 'utf8');
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const section of parseIni(ini)) {
    if (!/^Profile\d+$/i.test(section.name)) continue;
    const path = section.values.get('Path');
    if (!path) continue;
    const relative = section.values.get('IsRelative') !== '0';
    const dir = relative && !isAbsolute(path) ? join(root, path) : path;
    if (existsSync(join(dir, 'cert9.db')) && !dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

function parseIni(text: string): Array<{ name: string; values: Map<string, string> }> {
  const sections: Array<{ name: string; values: Map<string, string> }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head?.[1]) {
      sections.push({ name: head[1].trim(), values: new Map() });
      continue;
    }
    const eq = line.indexOf('=');
    const current = sections[sections.length - 1];
    if (eq > 0 && current) current.values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}
