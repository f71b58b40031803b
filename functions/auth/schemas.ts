import { z } from 'zod';

export const Credentials = z
  .object({
    // zod's email pattern lets a domain label end (or start) with "-" (a@foo-.com), which no DNS name
    // does; the HTML5 pattern refuses that, the email pattern still asks for a TLD of letters
    email: z.email().regex(z.regexes.html5Email, 'a domain label neither starts nor ends with "-"').max(254),
    // NIST 800-63B: length over composition rules; the upper bound keeps hashing cheap to refuse
    password: z.string().min(12, 'at least 12 characters').max(1024),
  })
  .strict();

const password = z.string().min(1).max(1024);

/** Enrolment asks for the password again: a session alone does not bind an authenticator. */
export const MfaEnrol = z.object({ password }).strict();

/** Turning MFA off takes both: the password and a current code. */
export const MfaDisable = z.object({ password, code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();

export const MfaCode = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();

export const MfaLogin = z.object({ challengeId: z.string().min(1).max(64), code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(256) }).strict();

export const RolesBody = z
  .object({
    roles: z
      .array(z.enum(['trader', 'ops', 'admin']))
      .min(1)
      .max(3),
  })
  .strict();

// lower-cased: PostgreSQL matches a uuid in any case, comparisons in code must too
export const UserPath = z.object({ userId: z.uuid().transform((s) => s.toLowerCase()) }).strict();

export const UserListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional(),
  })
  .strict();
