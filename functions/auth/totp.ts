/** TOTP (RFC 6238: SHA-1, 6 digits, 30 s) via otplib, one step of clock drift either way, never a step already used. */
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'Exchange';

export function newTotpSecret(): string {
  return generateSecret();
}

export function otpauthUri(secret: string, account: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: account, secret });
}

/** The time step a code matched (to record against replays), or null. */
export async function checkTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const r = await verify({ secret, token: code, epochTolerance: 30, ...(lastStep === null ? {} : { afterTimeStep: lastStep }) });
  return r.valid && 'timeStep' in r ? r.timeStep : null;
}
