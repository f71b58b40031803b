/** POST /v1/auth/register | login | refresh | logout: parse → AuthService → response. */
import { callerOf } from '../shared/caller';
import { httpHandler } from '../shared/http-handler';
import { normalizeEmail } from '../shared/ports/user-store';
import { perIp, perUser, type Limits } from '../shared/limits';
import { authIpBudget, BUDGETS } from '../shared/rate-limit';
import { Credentials, MfaCode, MfaLogin, RefreshBody } from './schemas';
import { authService } from './wiring';

// the stage's budget, read when the first request comes (config is loaded lazily)
const authPerIp: Limits = (i) => perIp(authIpBudget())(i);

export const register = httpHandler({ body: Credentials, limits: authPerIp }, async ({ body }) => ({
  status: 201,
  body: await (await authService()).register(body.email, body.password),
}));

export const login = httpHandler(
  // per IP, and per account from anywhere: a distributed guesser still gets 10 tries, then 2 a minute
  { body: Credentials, limits: (i) => [...authPerIp(i), { budget: BUDGETS.loginAccount, subject: normalizeEmail(i.body.email) }] },
  async ({ body }) => ({ body: await (await authService()).login(body.email, body.password) }),
);

export const refresh = httpHandler({ body: RefreshBody, limits: authPerIp }, async ({ body }) => ({
  body: await (await authService()).refresh(body.refreshToken),
}));

export const logout = httpHandler({ body: RefreshBody }, async ({ body }) => {
  await (await authService()).logout(body.refreshToken);
  return { status: 204 };
});

/** GET /v1/auth/me: who the token belongs to (behind the authorizer). */
export const me = httpHandler({ limits: perUser(BUDGETS.reads) }, async ({ event }) => {
  const caller = callerOf(event);
  const user = await (await authService()).profile(caller.userId);
  return { body: user };
});

export const loginMfa = httpHandler({ body: MfaLogin, limits: authPerIp }, async ({ body }) => ({
  body: await (await authService()).loginMfa(body.challengeId, body.code),
}));

/** POST /v1/auth/mfa/enroll (authorized): a new TOTP secret and its otpauth:// URI for a QR code. */
export const mfaEnroll = httpHandler({ limits: authPerIp }, async ({ event }) => ({
  body: await (await authService()).enrollMfa(callerOf(event).userId),
}));

/** POST /v1/auth/mfa/verify (authorized): the first code turns MFA on. */
export const mfaVerify = httpHandler({ body: MfaCode, limits: authPerIp }, async ({ body, event }) => ({
  body: await (await authService()).verifyMfa(callerOf(event).userId, body.code),
}));
