-- Transfers the sweeper resumes back off between attempts; after a day a transfer that still
-- cannot finish waits for a person ('review') instead of being retried forever.
ALTER TABLE transfers ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE transfers DROP CONSTRAINT transfers_status_check;
ALTER TABLE transfers ADD CONSTRAINT transfers_status_check CHECK (status IN ('requested', 'completed', 'rejected', 'review'));
CREATE INDEX transfers_due ON transfers (next_attempt_at) WHERE status = 'requested';

-- The ledger is append-only for TRUNCATE too (row triggers do not see it).
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- An account's owner, purpose and asset never change; it is never deleted.
CREATE FUNCTION ledger_account_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.purpose <> OLD.purpose OR NEW.asset <> OLD.asset THEN
    RAISE EXCEPTION 'ledger account % keeps its owner, purpose and asset', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_accounts_identity BEFORE UPDATE OR DELETE ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_account_identity();

-- An account's balance is the sum of its postings, whoever wrote it: checked at commit.
CREATE FUNCTION ledger_account_balance_matches() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  posted numeric(38, 0);
  current numeric(38, 0);
BEGIN
  SELECT balance INTO current FROM ledger_accounts WHERE id = NEW.id;
  SELECT coalesce(sum(amount), 0) INTO posted FROM ledger_postings WHERE account_id = NEW.id;
  IF current <> posted THEN
    RAISE EXCEPTION 'ledger account % has balance % but postings of %', NEW.id, current, posted USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_accounts_balance
  AFTER UPDATE OF balance ON ledger_accounts
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_account_balance_matches();

-- An entry without postings records nothing: refused at commit.
CREATE FUNCTION ledger_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM ledger_postings WHERE entry_id = NEW.id) < 2 THEN
    RAISE EXCEPTION 'ledger entry % has fewer than two postings', NEW.id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_postings
  AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_has_postings();
