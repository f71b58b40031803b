/** /v1/admin/users (role admin): parse → UserAdminService → response. */
import { callerOf } from '../shared/caller';
import { httpHandler } from '../shared/http-handler';
import { perUser } from '../shared/limits';
import { BUDGETS } from '../shared/rate-limit';
import { RolesBody, UserListQuery, UserPath } from './schemas';
import { userAdminService } from './wiring';

const reads = perUser(BUDGETS.reads);

/** GET /v1/admin/users?limit=&cursor= */
export const listUsers = httpHandler({ query: UserListQuery, limits: reads }, async ({ query, event }) => ({
  body: await userAdminService().list(callerOf(event), query),
}));

/** GET /v1/admin/users/{userId} */
export const getUser = httpHandler({ path: UserPath, limits: reads }, async ({ params, event }) => ({
  body: await userAdminService().get(callerOf(event), params.userId),
}));

/** POST /v1/admin/users/{userId}/mfa/reset: MFA off for a user who lost their authenticator; ends their sessions, audited. */
export const resetMfa = httpHandler({ path: UserPath, limits: reads }, async ({ params, event, requestId, ip }) => ({
  body: await userAdminService().resetMfa(callerOf(event), params.userId, { requestId, ip }),
}));

/** PUT /v1/admin/users/{userId}/roles `{roles:[…]}`: ends the user's sessions. */
export const setRoles = httpHandler({ path: UserPath, body: RolesBody, limits: reads }, async ({ params, body, event, requestId, ip }) => ({
  body: await userAdminService().setRoles(callerOf(event), params.userId, body.roles, { requestId, ip }),
}));
