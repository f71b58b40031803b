/** POST /v1/auth/register | login | refresh | logout: parse → AuthService → response. */
import { callerOf } from '../shared/caller';
import { httpHandler } from '../shared/http-handler';
import { Credentials, RefreshBody } from './schemas';
import { authService } from './wiring';

export const register = httpHandler({ body: Credentials }, async ({ body }) => ({
  status: 201,
  body: await (await authService()).register(body.email, body.password),
}));

export const login = httpHandler({ body: Credentials }, async ({ body }) => ({
  body: await (await authService()).login(body.email, body.password),
}));

export const refresh = httpHandler({ body: RefreshBody }, async ({ body }) => ({
  body: await (await authService()).refresh(body.refreshToken),
}));

export const logout = httpHandler({ body: RefreshBody }, async ({ body }) => {
  await (await authService()).logout(body.refreshToken);
  return { status: 204 };
});

/** GET /v1/auth/me: who the token belongs to (behind the authorizer). */
export const me = httpHandler({}, async ({ event }) => {
  const caller = callerOf(event);
  const user = await (await authService()).profile(caller.userId);
  return { body: user };
});
