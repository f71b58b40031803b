-- Users of the exchange: credentials, roles, MFA, and the account number the matching host knows them by.
CREATE TABLE users (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email            text NOT NULL,
  -- lower-cased and trimmed: one account per mailbox however it is spelled
  email_normalized text NOT NULL UNIQUE,
  password_hash    text NOT NULL,
  roles            text[] NOT NULL DEFAULT ARRAY['trader']::text[]
                   CHECK (roles <@ ARRAY['trader', 'ops', 'admin']::text[] AND cardinality(roles) > 0),
  account_no       bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  mfa_secret       text,
  mfa_enabled      boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now()
);
