// How many more wrong PINs the key's token takes, as the token itself says it after a refused
// login (C_GetTokenInfo's CKF_USER_PIN_COUNT_LOW / CKF_USER_PIN_FINAL_TRY / CKF_USER_PIN_LOCKED):
// the PIN error's `detail.pinTries`. The PIN dialog's retry and the command line's PIN error say
// it in the same words, the catalogs' `pin.tries` (src/shared/i18n). 'unknown': the token sets
// none of the flags (tpm2-pkcs11, many cards), so the words say only what is usual. The
// contract's dialog messages import its type, so this file imports nothing (no cycle).

export const PIN_TRIES = ['low', 'finalTry', 'locked', 'unknown'] as const;
export type PinTries = (typeof PIN_TRIES)[number];

export function isPinTries(v: unknown): v is PinTries {
  return typeof v === 'string' && (PIN_TRIES as readonly string[]).includes(v);
}

/** The pinTries of an error's detail, or undefined when it has none (not a PIN error). */
export function pinTriesOf(detail: Readonly<Record<string, unknown>> | undefined): PinTries | undefined {
  const v = detail?.pinTries;
  return isPinTries(v) ? v : undefined;
}
