/** Where users live (PostgreSQL in every environment; the port keeps services free of SQL). */
export type Role = 'trader' | 'ops' | 'admin';

export interface User {
  id: string;
  email: string;
  passwordHash: string;
  roles: Role[];
  /** the matching host's account number */
  accountNo: number;
  mfaEnabled: boolean;
  mfaSecret: string | null;
}

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
  }
}

export interface UserStore {
  /** throws EmailTakenError when the normalized email exists */
  create(email: string, passwordHash: string): Promise<User>;
  findByEmail(email: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
