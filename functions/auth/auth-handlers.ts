/** POST /v1/auth/register | login | refresh | logout: parse → AuthService → response. */
import { callerOf } from '../shared/caller';
import { httpHandler } from '../shared/http-handler';
import { perIp, perUser, type Limits } from '../shared/limits';
import { authIpBudget, BUDGETS } from '../shared/rate-limit';
import { Credentials, MfaCode, MfaDisable, MfaEnrol, MfaLogin, RefreshBody } from './schemas';
import { authService } from './wiring';

// the stage's budget, read when the first request comes (config is loaded lazily)
const authPerIp: Limits = (i) => perIp(authIpBudget())(i);

export const register = httpHandler({ body: Credentials, limits: authPerIp }, async ({ body }) => ({
  status: 201,
  body: await (await authService()).register(body.email, body.password),
}));

// attempts per IP here; failures per account and per source, with backoff, in AuthService.login (a
// bucket per account would let anyone lock its owner out with two requests a minute)
export const login = httpHandler({ body: Credentials, limits: authPerIp }, async ({ body, ip }) => ({
  body: await (await authService()).login(body.email, body.password, ip),
}));

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

export const loginMfa = httpHandler({ body: MfaLogin, limits: authPerIp }, async ({ body, ip }) => ({
  body: await (await authService()).loginMfa(body.challengeId, body.code, ip),
}));

/** POST /v1/auth/mfa/enroll (authorized) `{password}`: a new TOTP secret and its otpauth:// URI for a QR code. */
export const mfaEnroll = httpHandler({ body: MfaEnrol, limits: authPerIp }, async ({ body, event }) => ({
  body: await (await authService()).enrollMfa(callerOf(event).userId, body.password),
}));

/** POST /v1/auth/mfa/verify (authorized) `{code}`: the first code turns MFA on and ends the user's other sessions. */
export const mfaVerify = httpHandler({ body: MfaCode, limits: authPerIp }, async ({ body, event, requestId, ip }) => ({
  body: await (await authService()).verifyMfa(callerOf(event), body.code, { requestId, ip }),
}));

/** POST /v1/auth/mfa/step-up (authorized) `{code}`: an access token of the same session, MFA'd as of now. */
export const mfaStepUp = httpHandler({ body: MfaCode, limits: authPerIp }, async ({ body, event }) => ({
  body: await (await authService()).stepUp(callerOf(event), body.code),
}));

/** POST /v1/auth/mfa/disable (authorized) `{password, code}`: MFA off, the user's other sessions ended. */
export const mfaDisable = httpHandler({ body: MfaDisable, limits: authPerIp }, async ({ body, event, requestId, ip }) => ({
  body: await (await authService()).disableMfa(callerOf(event), body.password, body.code, { requestId, ip }),
}));
