import type { Pool } from 'pg';
import { inTransaction } from '../db/transaction';
import { SecretBox } from '../secret-box';
import { EmailTakenError, LastAdminError, normalizeEmail, type Role, type User, type UserStore } from '../ports/user-store';

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
  roles_version: number;
  role_granted_at: Record<string, string | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS =
  'id, email, password_hash, roles, account_no, mfa_enabled, mfa_secret, mfa_pending_secret, mfa_last_step, roles_version, role_granted_at';

/** TOTP secrets are sealed with the user's id as associated data: a copy in another row does not open. */
const mfaContext = (userId: string): string => `mfa:${userId}`;

/** Users in PostgreSQL; TOTP secrets sealed by the application (the database never sees them in clear). */
export class PgUserStore implements UserStore {
  constructor(
    private readonly pool: Pool,
    /** made on first use: a function that never touches an MFA secret needs no data key */
    private readonly sealing: SecretBox | (() => Promise<SecretBox>),
  ) {}

  private box(): Promise<SecretBox> {
    return typeof this.sealing === 'function' ? this.sealing() : Promise.resolve(this.sealing);
  }

  /** `secrets: false` (listings) leaves the MFA secrets out: nothing to decrypt, nothing to leak. */
  private async toUser(r: Row, secrets = true): Promise<User> {
    // only a row with a sealed secret needs the data key (read from the secret store on first use)
    const box =
      secrets && [r.mfa_secret, r.mfa_pending_secret].some((v) => v !== null && SecretBox.isSealed(v)) ? await this.box() : undefined;
    // a secret stored before sealing existed is read as it is; `npm run users:seal-mfa` seals those
    const open = (v: string | null): string | null =>
      v === null || !secrets ? null : SecretBox.isSealed(v) && box ? box.open(v, mfaContext(r.id)) : v;
    return {
      id: r.id,
      email: r.email,
      passwordHash: r.password_hash,
      roles: r.roles,
      accountNo: Number(r.account_no),
      mfaEnabled: r.mfa_enabled,
      mfaSecret: open(r.mfa_secret),
      mfaPendingSecret: open(r.mfa_pending_secret),
      mfaLastStep: r.mfa_last_step === null ? null : Number(r.mfa_last_step),
      rolesVersion: r.roles_version,
      roleGrantedAt: Object.fromEntries(
        Object.entries(r.role_granted_at ?? {})
          .filter(([role, at]) => at !== null && r.roles.includes(role as Role))
          .map(([role, at]) => [role, new Date(at as string)]),
      ),
    };
  }

  async create(email: string, passwordHash: string): Promise<User> {
    try {
      const r = await this.pool.query<Row>(
        `INSERT INTO users (email, email_normalized, password_hash) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [email.trim(), normalizeEmail(email), passwordHash],
      );
      return this.toUser(r.rows[0]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new EmailTakenError();
      throw e;
    }
  }

  async findByEmail(email: string): Promise<User | null> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE email_normalized = $1`, [normalizeEmail(email)]);
    return r.rows[0] ? this.toUser(r.rows[0]) : null;
  }

  async findByAccountNo(accountNo: number): Promise<User | null> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE account_no = $1`, [accountNo]);
    return r.rows[0] ? this.toUser(r.rows[0], false) : null;
  }

  async setPendingMfaSecret(id: string, secret: string): Promise<void> {
    await this.pool.query('UPDATE users SET mfa_pending_secret = $2 WHERE id = $1', [id, (await this.box()).seal(secret, mfaContext(id))]);
  }

  enableMfa(id: string, secret: string, step: number): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      // sealed values differ on every seal: compare in clear, under the row lock
      const r = await c.query<{ mfa_pending_secret: string | null }>('SELECT mfa_pending_secret FROM users WHERE id = $1 FOR UPDATE', [id]);
      const pending = r.rows[0]?.mfa_pending_secret;
      if (!pending || (await this.box()).open(pending, mfaContext(id)) !== secret) return false;
      await c.query(
        'UPDATE users SET mfa_enabled = true, mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, mfa_last_step = $2 WHERE id = $1',
        [id, step],
      );
      return true;
    });
  }

  async useMfaStep(id: string, step: number): Promise<boolean> {
    // one statement: two concurrent logins with the same code cannot both win
    const r = await this.pool.query('UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2)', [
      id,
      step,
    ]);
    return r.rowCount === 1;
  }

  async disableMfa(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const r = await this.pool.query(
      'UPDATE users SET mfa_enabled = false, mfa_secret = NULL, mfa_pending_secret = NULL, mfa_last_step = NULL WHERE id = $1',
      [id],
    );
    return r.rowCount === 1;
  }

  async findById(id: string, opts: { secrets?: boolean } = {}): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return r.rows[0] ? this.toUser(r.rows[0], opts.secrets ?? true) : null;
  }

  setRoles(id: string, roles: Role[]): Promise<User | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return inTransaction(this.pool, async (c) => {
      // the admins' rows locked first: two admins demoting each other concurrently take turns
      const admins = await c.query<{ id: string }>("SELECT id FROM users WHERE 'admin' = ANY(roles) ORDER BY id FOR UPDATE");
      const others = admins.rows.filter((a) => a.id !== id.toLowerCase()).length;
      if (!roles.includes('admin') && others === 0 && admins.rows.length > 0) throw new LastAdminError();
      // a role newly granted is stamped with the database's clock; one kept keeps its time; one removed is forgotten
      const r = await c.query<Row>(
        `UPDATE users SET roles = $2, roles_version = roles_version + 1,
           role_granted_at = (SELECT COALESCE(jsonb_object_agg(g, CASE WHEN g = ANY(roles) THEN role_granted_at -> g ELSE to_jsonb(now()) END), '{}'::jsonb)
                                FROM unnest($2::text[]) AS g)
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, roles],
      );
      return r.rows[0] ? this.toUser(r.rows[0]) : null;
    });
  }

  async list(opts: { afterAccountNo?: number; limit: number }): Promise<User[]> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM users WHERE account_no > $1 ORDER BY account_no LIMIT $2`, [
      opts.afterAccountNo ?? 0,
      opts.limit,
    ]);
    return Promise.all(r.rows.map((x) => this.toUser(x, false)));
  }

  /** Seal MFA secrets stored in clear (rows from before sealing); returns how many were sealed. */
  async sealLegacyMfaSecrets(): Promise<number> {
    let sealed = 0;
    for (const column of ['mfa_secret', 'mfa_pending_secret'] as const) {
      const r = await this.pool.query<{ id: string; v: string }>(
        `SELECT id, ${column} AS v FROM users WHERE ${column} IS NOT NULL AND ${column} NOT LIKE 'v1.%'`,
      );
      for (const row of r.rows) {
        // only if it is still the value read: a concurrent enrolment wins
        const u = await this.pool.query(`UPDATE users SET ${column} = $2 WHERE id = $1 AND ${column} = $3`, [
          row.id,
          (await this.box()).seal(row.v, mfaContext(row.id)),
          row.v,
        ]);
        sealed += u.rowCount ?? 0;
      }
    }
    return sealed;
  }
}
