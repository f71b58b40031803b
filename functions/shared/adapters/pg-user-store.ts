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
  mfa_pending_secret: string | null;
  mfa_last_step: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, email, password_hash, roles, account_no, mfa_enabled, mfa_secret, mfa_pending_secret, mfa_last_step';

function toUser(r: Row): User {
  return {
    id: r.id, email: r.email, passwordHash: r.password_hash, roles: r.roles, accountNo: Number(r.account_no), mfaEnabled: r.mfa_enabled,
    mfaSecret: r.mfa_secret, mfaPendingSecret: r.mfa_pending_secret, mfaLastStep: r.mfa_last_step === null ? null : Number(r.mfa_last_step),
  };
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

  async setPendingMfaSecret(id: string, secret: string): Promise<void> {
    await this.pool.query('UPDATE users SET mfa_pending_secret = $2 WHERE id = $1', [id, secret]);
  }

  async enableMfa(id: string, secret: string, step: number): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE users SET mfa_enabled = true, mfa_secret = $2, mfa_pending_secret = NULL, mfa_last_step = $3 WHERE id = $1 AND mfa_pending_secret = $2',
      [id, secret, step],
    );
    return r.rowCount === 1;
  }

  async useMfaStep(id: string, step: number): Promise<boolean> {
    // one statement: two concurrent logins with the same code cannot both win
    const r = await this.pool.query('UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2)', [id, step]);
    return r.rowCount === 1;
  }

  async findById(id: string): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async setRoles(id: string, roles: Role[]): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<Row>(`UPDATE users SET roles = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, roles]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async list(opts: { afterAccountNo?: number; limit: number }): Promise<User[]> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE account_no > $1 ORDER BY account_no LIMIT $2`, [opts.afterAccountNo ?? 0, opts.limit]);
    return r.rows.map(toUser);
  }
}
