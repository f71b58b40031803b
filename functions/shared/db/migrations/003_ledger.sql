-- The book of record for money: a double-entry ledger in integer minor units of each asset (never
-- float). Every entry's postings sum to zero, checked by the database at commit.
CREATE TABLE ledger_accounts (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the trader who owns it; NULL for the exchange's own accounts (funding source, payouts)
  user_id  uuid REFERENCES users (id),
  -- 'trading' for a trader's account; 'funding:simulated', 'withdrawals:payable', … for the exchange's
  purpose  text NOT NULL,
  asset    text NOT NULL,
  balance  numeric(38, 0) NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ledger_accounts_user ON ledger_accounts (user_id, purpose, asset) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_accounts_system ON ledger_accounts (purpose, asset) WHERE user_id IS NULL;

CREATE TABLE ledger_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL,          -- deposit | withdrawal | trade (settlement) | …
  -- what it records (a transfer id, a trade id): one entry per reference and kind
  reference   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, reference)
);

CREATE TABLE ledger_postings (
  entry_id      bigint NOT NULL REFERENCES ledger_entries (id),
  account_id    bigint NOT NULL REFERENCES ledger_accounts (id),
  amount        numeric(38, 0) NOT NULL CHECK (amount <> 0),
  -- the account's balance right after this posting (statements without a running sum)
  balance_after numeric(38, 0) NOT NULL,
  PRIMARY KEY (entry_id, account_id)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, entry_id DESC);

-- An entry that does not balance per asset never commits.
CREATE FUNCTION ledger_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced text;
BEGIN
  SELECT a.asset INTO unbalanced
    FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
   WHERE p.entry_id = NEW.entry_id
   GROUP BY a.asset
  HAVING sum(p.amount) <> 0
   LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger entry % does not balance in %', NEW.entry_id, unbalanced USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_postings_balance
  AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

-- Ledger history is append-only.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- Deposits and withdrawals as requested by a trader: the idempotency record and the saga's state.
-- requested → completed (host and ledger both done) | rejected (the host refused: nothing moved).
CREATE TABLE transfers (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL REFERENCES users (id),
  kind             text NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
  asset            text NOT NULL,
  amount           numeric(38, 0) NOT NULL CHECK (amount > 0),
  idempotency_key  text NOT NULL,
  status           text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'completed', 'rejected')),
  reason           text,
  entry_id         bigint REFERENCES ledger_entries (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  UNIQUE (user_id, idempotency_key),
  CHECK ((status = 'completed') = (entry_id IS NOT NULL))
);
