/** The rate-limit subjects routes take from: the authenticated user, or the caller's address. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { callerOf } from './caller';
import type { Budget } from './rate-limit';

export type Limits = (input: { event: APIGatewayProxyEvent; ip: string }) => { budget: Budget; subject: string }[];

/** One token of `budget` from the authenticated caller's bucket. */
export const perUser =
  (budget: Budget): Limits =>
  ({ event }) => [{ budget, subject: callerOf(event).userId }];

/** One token of `budget` from the caller's address's bucket. */
export const perIp =
  (budget: Budget): Limits =>
  ({ ip }) => [{ budget, subject: ip }];
