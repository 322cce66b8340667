// Structure-aware damage to valid DER: the cases a parser meets from a broken or hostile
// server (flipped bits, cut messages, lengths that lie, nesting bombs), plus raw noise.
import fc from 'fast-check';

type Edit = (b: Uint8Array) => Uint8Array;

const at = (b: Uint8Array, f: number) => (b.length === 0 ? 0 : Math.floor(f * b.length) % b.length);

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  // flip one bit
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 7 })).map(([f, bit]): Edit => (b) => {
    const c = b.slice();
    if (c.length) c[at(c, f)]! ^= 1 << bit;
    return c;
  }),
  // overwrite a byte with a value that matters to DER lengths and tags
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0x00, 0x30, 0x31, 0x80, 0x81, 0x82, 0x83, 0x84, 0x88, 0xa0, 0xff, 0x7f, 0x1f)).map(([f, v]): Edit => (b) => {
    const c = b.slice();
    if (c.length) c[at(c, f)] = v;
    return c;
  }),
  // cut the message
  fc.double({ min: 0, max: 1, noNaN: true }).map((f): Edit => (b) => b.slice(0, at(b, f))),
  // insert noise
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([f, ins]): Edit => (b) => {
    const i = at(b, f);
    return Uint8Array.from([...b.subarray(0, i), ...ins, ...b.subarray(i)]);
  }),
  // delete a range
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 64 })).map(([f, n]): Edit => (b) => {
    const i = at(b, f);
    return Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + n)]);
  }),
  // duplicate a range (repeated elements, overlong sets)
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 200 })).map(([f, n]): Edit => (b) => {
    const i = at(b, f);
    return Uint8Array.from([...b.subarray(0, i + n), ...b.subarray(i, i + n), ...b.subarray(i + n)]);
  }),
);

/** 1–4 edits of a seed. */
export function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(editArb, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((b, e) => e(b), seed));
}

/** Deep nesting: SEQUENCE in SEQUENCE … (indefinite or definite lengths), the classic stack bomb. */
export const nestingBomb: fc.Arbitrary<Uint8Array> = fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean()).map(([depth, indefinite]) => {
  if (indefinite) {
    const out = new Uint8Array(depth * 4);
    for (let i = 0; i < depth; i++) { out[2 * i] = 0x30; out[2 * i + 1] = 0x80; }
    return out; // then as many end-of-contents octets (00 00)
  }
  // definite: headers computed from the inside out, written outermost first (linear time)
  const headers: number[][] = [];
  let n = 2; // the innermost NULL
  for (let i = 0; i < Math.min(depth, 5000); i++) {
    const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
    headers.push([0x30, ...len]);
    n += 1 + len.length;
  }
  return Uint8Array.from([...headers.reverse().flat(), 0x05, 0x00]);
});

/** A length field claiming far more than the message holds. */
export const lyingLength: fc.Arbitrary<Uint8Array> = fc.tuple(fc.constantFrom(0x30, 0x31, 0x04, 0x03, 0x02, 0xa0), fc.integer({ min: 1, max: 4 }), fc.uint8Array({ maxLength: 32 }))
  .map(([tag, n, tail]) => Uint8Array.from([tag, 0x80 | n, ...Array.from({ length: n }, () => 0xff), ...tail]));

/** Base64 text of bytes with random line breaks, CRLFs and surrounding whitespace. */
export function asBase64Text(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<string> {
  return fc.tuple(bytes, fc.integer({ min: 1, max: 120 }), fc.boolean(), fc.constantFrom('', '\n', '\r\n', '  ')).map(([b, width, crlf, pad]) => {
    const b64 = Buffer.from(b).toString('base64');
    const lines = b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? [''];
    return pad + lines.join(crlf ? '\r\n' : '\n') + pad;
  });
}
