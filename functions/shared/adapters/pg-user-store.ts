import type { Pool } from 'pg';
import { EmailTakenError, normalizeEmail, type Role, type User, type UserStore } from '../ports/user-store';

interface Row {
  id: string;
  email: string;
  password_hash: string;
  roles: Role[];
  account_no: string;
  mfa_enabled: boolean;
  mfa_secret: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, email, password_hash, roles, account_no, mfa_enabled, mfa_secret';

function toUser(r: Row): User {
  return { id: r.id, email: r.email, passwordHash: r.password_hash, roles: r.roles, accountNo: Number(r.account_no), mfaEnabled: r.mfa_enabled, mfaSecret: r.mfa_secret };
}

export class PgUserStore implements UserStore {
  constructor(private readonly pool: Pool) {}

  async create(email: string, passwordHash: string): Promise<User> {
    try {
      const r = await this.pool.query<Row>(
        `INSERT INTO users (email, email_normalized, password_hash) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [email.trim(), normalizeEmail(email), passwordHash],
      );
      return toUser(r.rows[0]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new EmailTakenError();
      throw e;
    }
  }

  async findByEmail(email: string): Promise<User | null> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE email_normalized = $1`, [normalizeEmail(email)]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async findById(id: string): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }
}
