/** What the auth and admin routes answer. */
import { z } from 'zod';
import type { AuthService, LoginResult, TokenPair } from '../../auth/auth-service';
import type { UserAdminService, UserView } from '../../auth/user-admin-service';
import { answers } from './answers';
import { nextCursor, role } from './common';

type Answer<F extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

export const Registered = answers<Answer<AuthService['register']>>()(
  z.object({ userId: z.uuid(), email: z.email(), accountNo: z.number().int().min(1) }).strict(),
);

export const Tokens = answers<TokenPair>()(
  z
    .object({
      accessToken: z.string().min(1),
      refreshToken: z.string().min(1),
      tokenType: z.literal('Bearer'),
      expiresIn: z.number().int().min(1),
    })
    .strict(),
);

/** a password login with MFA on: complete it at /v1/auth/login/mfa */
export const MfaChallenge = z.object({ mfaRequired: z.literal(true), challengeId: z.string().min(1) }).strict();

export const LoginAnswer = answers<LoginResult>()(z.union([Tokens, MfaChallenge]));

export const MfaEnrolment = answers<Answer<AuthService['enrollMfa']>>()(
  z.object({ secret: z.string().min(1), otpauthUri: z.string().regex(/^otpauth:\/\//) }).strict(),
);

export const MfaEnabled = answers<Answer<AuthService['verifyMfa']>>()(
  z.object({ mfaEnabled: z.literal(true), sessionsRevoked: z.number().int().min(0) }).strict(),
);

export const MfaDisabled = answers<Answer<AuthService['disableMfa']>>()(
  z.object({ mfaEnabled: z.literal(false), sessionsRevoked: z.number().int().min(0) }).strict(),
);

/** a step-up: an access token of the same session, MFA'd as of now (the refresh token is unchanged) */
export const SteppedUp = answers<Answer<AuthService['stepUp']>>()(
  z.object({ accessToken: z.string().min(1), tokenType: z.literal('Bearer'), expiresIn: z.number().int().min(1) }).strict(),
);

/** GET /v1/auth/me; AuthService.profile types its roles as strings, they are the users' roles (as UserView has them) */
export const Profile = answers<UserView>()(
  z
    .object({
      userId: z.uuid(),
      email: z.email(),
      roles: z.array(role).min(1),
      accountNo: z.number().int().min(1),
      mfaEnabled: z.boolean(),
    })
    .strict(),
);

export const User = Profile;

export const UserPage = answers<Answer<UserAdminService['list']>>()(z.object({ items: z.array(User), nextCursor }).strict());

/** the user after the change, and how many of their sessions it ended */
export const RolesChanged = answers<Answer<UserAdminService['setRoles']>>()(
  Profile.extend({ sessionsRevoked: z.number().int().min(0) }).strict(),
);

/** the user after an admin's MFA reset, and how many of their sessions it ended */
export const MfaReset = answers<Answer<UserAdminService['resetMfa']>>()(
  Profile.extend({ sessionsRevoked: z.number().int().min(0) }).strict(),
);
