// The INF that `certreq -new` reads. certreq takes the subject only as text, which it hands
// to CertStrToName with the INF's X500NameFlags; the subject must still come out byte for
// byte as the bank's Name (a renewal keeps it exactly). So the text is built from the DER's
// own RDNs, every value quoted, and the flags are chosen from the DER's string types: all
// UTF8String → FORCE_UTF8_DIR_STR; PrintableString where the value allows it and UTF8String
// elsewhere → ENABLE_UTF8_UNICODE. Anything else cannot be produced through certreq and is
// refused here. What certreq made is compared with the wanted DER afterwards all the same
// (certreq.ts): the prediction only avoids making a key that would be thrown away.
import type { KeyStorage, KeyType } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import { children, isUniversal, oidOf, parseDer } from '../../pki';

/** CertStrToName flags (wincrypt.h), documented for certreq's X500NameFlags. */
export const CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG = 0x40000;
export const CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG = 0x80000;

export const KSP_SOFTWARE = 'Microsoft Software Key Storage Provider';
export const KSP_TPM = 'Microsoft Platform Crypto Provider';

const TAG_UTF8 = 12;
const TAG_PRINTABLE = 19;
const TAG_IA5 = 22;

// CertStrToName's keys (its documented table); any other attribute is written as OID.<dotted>.
const KEYS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
};

// Attributes whose value type CertStrToName fixes whatever the flags (X.520 / PKCS #9).
const PRINTABLE_ONLY = new Set(['2.5.4.6', '2.5.4.5', '2.5.4.46']);
const IA5_FIRST = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);
// CertStrToName's own PrintableString set (narrower than X.680's: no '*', '&', '@', '_').
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export interface X500Text {
  /** The subject as certreq's Subject value, before INF quoting. */
  text: string;
  flags: number;
}

const notKept = (what: string) =>
  new CoreError(
    'INVALID_INPUT',
    `The certificate's subject cannot be kept exactly by Windows' certreq (${what}). Ask IT to set keyStorage "software" in the policy for this bank, or ask the bank to issue subjects in UTF8String.`,
    { reason: 'SUBJECT_NOT_REPRODUCIBLE' },
  );

/** The Subject text and X500NameFlags that make CertStrToName produce exactly `subjectDer`. */
export function subjectToX500(subjectDer: Uint8Array): X500Text {
  const name = parseDer(subjectDer, 'subject name', 'INVALID_INPUT');
  if (!isUniversal(name, 16)) throw notKept('not a Name');
  let allUtf8 = true;
  let mixedOk = true;
  const rdns: string[] = [];
  for (const set of children(name)) {
    const parts: string[] = [];
    for (const atv of children(set)) {
      const [type, value] = children(atv);
      const oid = oidOf(type);
      if (!oid || !value || value.idBlock.tagClass !== 1) throw notKept('an attribute that is not a string');
      const tag = value.idBlock.tagNumber;
      const raw = Buffer.from(value.valueBeforeDecodeView.subarray(value.idBlock.blockLength + value.lenBlock.blockLength));
      const text = tag === TAG_UTF8 ? raw.toString('utf8') : raw.toString('latin1');
      if (tag !== TAG_UTF8 && tag !== TAG_PRINTABLE && tag !== TAG_IA5) throw notKept(`a value of ASN.1 type ${tag}, which certreq never writes`);
      if (tag === TAG_UTF8 && !Buffer.from(text, 'utf8').equals(raw)) throw notKept('a UTF8String that is not valid UTF-8');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(text)) throw notKept('a control character, which an INF line cannot hold');
      if (text !== text.trim() || text.length === 0) throw notKept('a value with leading or trailing spaces, which CertStrToName trims');
      if (PRINTABLE_ONLY.has(oid)) {
        if (tag !== TAG_PRINTABLE || !PRINTABLE.test(text)) throw notKept(`${KEYS[oid] ?? oid} must be a PrintableString`);
      } else if (IA5_FIRST.has(oid)) {
        // IA5 whenever the value is ASCII (E allows nothing else; DC falls back to UTF8).
        const ascii = /^[\x20-\x7e]*$/.test(text);
        const expected = ascii ? TAG_IA5 : oid === '0.9.2342.19200300.100.1.25' ? TAG_UTF8 : -1;
        if (tag !== expected) throw notKept(`${KEYS[oid] ?? oid} is not encoded the way Windows encodes it`);
      } else {
        if (tag !== TAG_UTF8) allUtf8 = false;
        const printable = PRINTABLE.test(text);
        if ((printable && tag !== TAG_PRINTABLE) || (!printable && tag !== TAG_UTF8)) mixedOk = false;
      }
      parts.push(`${KEYS[oid] ?? `OID.${oid}`}="${text.replace(/"/g, '""')}"`);
    }
    if (parts.length === 0) throw notKept('an empty RDN');
    rdns.push(parts.join(' + '));
  }
  if (!allUtf8 && !mixedOk) throw notKept('PrintableString and UTF8String mixed in a way no X500NameFlags produce');
  // Without CERT_NAME_STR_REVERSE_FLAG the RDNs are encoded in the order written (documented default).
  return { text: rdns.join(', '), flags: allUtf8 ? CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG : CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG };
}

/** An INF string value: quoted, `"` doubled, `%` doubled (INF string substitution). */
export function infString(value: string): string {
  return `"${value.replace(/"/g, '""').replace(/%/g, '%%')}"`;
}

// INF string values are limited to 4096 characters (MAX_INF_STRING_LENGTH).
const MAX_INF_STRING = 4096;

export interface InfOptions {
  subjectDer: Uint8Array;
  keyType: KeyType;
  storage: Extract<KeyStorage, 'store' | 'tpm'>;
  friendlyName: string;
}

/** The [NewRequest] INF: a non-exportable user key in the KSP or the TPM, a PKCS#10 signed with SHA-256. */
export function buildInf(opts: InfOptions): string {
  const empty = opts.subjectDer.length === 2 && opts.subjectDer[0] === 0x30 && opts.subjectDer[1] === 0;
  const subject = empty ? null : subjectToX500(opts.subjectDer);
  if (subject && infString(subject.text).length > MAX_INF_STRING) throw notKept('longer than an INF line holds');
  // eslint-disable-next-line no-control-regex
  const friendly = opts.friendlyName.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 256);
  const lines = ['[Version]', 'Signature="$Windows NT$"', '', '[NewRequest]'];
  // No Subject line: certreq then writes an empty Name (SEQUENCE {}), which 取得 may send.
  if (subject) lines.push(`Subject = ${infString(subject.text)}`, `X500NameFlags = 0x${subject.flags.toString(16)}`);
  if (opts.keyType === 'ecdsaP256') lines.push('KeyAlgorithm = ECDSA_P256');
  else lines.push('KeyAlgorithm = RSA', `KeyLength = ${opts.keyType === 'rsa3072' ? 3072 : 2048}`);
  lines.push(
    `ProviderName = ${infString(opts.storage === 'tpm' ? KSP_TPM : KSP_SOFTWARE)}`,
    'Exportable = FALSE',
    'MachineKeySet = FALSE',
    'UseExistingKeySet = FALSE',
    'RequestType = PKCS10',
    // CERT_DIGITAL_SIGNATURE_KEY_USAGE: TLS client authentication signs; it never decrypts.
    'KeyUsage = 0x80',
    'HashAlgorithm = sha256',
    'SMIME = FALSE',
    'Silent = TRUE',
    `FriendlyName = ${infString(friendly)}`,
  );
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * certreq reads INF files through SetupAPI: ANSI in the system code page or UTF-16LE with a
 * BOM; UTF-8 is not an option. UTF-16LE keeps a Japanese subject intact on any Windows.
 */
export function infBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}
