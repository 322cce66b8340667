// Parsers for the NSS tools' listings (certutil prints no machine format).

export interface NssCertRow {
  nickname: string;
  /** e.g. "CT,,", "u,u,u". */
  trust: string;
}

export interface NssKeyRow {
  keyType: string;
  /** CKA_ID, lowercase hex. */
  keyId: string;
  /** Nickname of the matching certificate, or "(orphan)". */
  nickname: string;
}

const TRUST = /^(.*?)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/;

/** `certutil -L`: a two-line header, a blank line, then "nickname<padding>trust". */
export function parseCertList(stdout: string): NssCertRow[] {
  const rows: NssCertRow[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim() || /^Certificate Nickname\s+Trust Attributes/.test(line) || /^\s+SSL,S\/MIME,JAR\/XPI\s*$/.test(line)) continue;
    const m = TRUST.exec(line);
    if (m?.[1] && m[2] !== undefined) rows.push({ nickname: m[1], trust: m[2] });
  }
  return rows;
}

const KEY = /^<\s*\d+>\s+(\w+)\s+([0-9a-fA-F]+)\s+(.*?)\s*$/;

/** `certutil -K`: "< 0> rsa      5da70d…   Nickname". */
export function parseKeyList(stdout: string): NssKeyRow[] {
  const rows: NssKeyRow[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = KEY.exec(line);
    if (m?.[1] && m[2] && m[3] !== undefined) rows.push({ keyType: m[1], keyId: m[2].toLowerCase(), nickname: m[3] });
  }
  return rows;
}
