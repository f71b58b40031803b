-- Gaps a review of 006 and 007 found, closed:
-- * an account could be created with a balance (money from nothing): it now starts at zero;
-- * a posting could be written without its account's balance and count moving with it: a
--   posting's number may not run ahead of its account's count, whose balance the deferred
--   account check ties to the last link;
-- * postings could be added to an entry written earlier: an entry's postings are all written by
--   one statement, so a statement may not add to an entry that already has postings.

CREATE FUNCTION ledger_account_starts_empty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.balance <> 0 OR NEW.opening_balance <> 0 OR NEW.postings <> 0 THEN
    RAISE EXCEPTION 'a ledger account starts empty; money enters by entries' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_accounts_start_empty BEFORE INSERT ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_account_starts_empty();

CREATE OR REPLACE FUNCTION ledger_postings_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  broken record;
BEGIN
  SELECT n.account_id, n.seq INTO broken
    FROM new_postings n
    JOIN ledger_accounts a ON a.id = n.account_id
    LEFT JOIN ledger_postings prev ON prev.account_id = n.account_id AND prev.seq = n.seq - 1
   WHERE n.seq IS NULL OR n.seq < 1 OR n.seq > a.postings
      OR (n.seq = 1 AND n.balance_after <> a.opening_balance + n.amount)
      OR (n.seq > 1 AND (prev.balance_after IS NULL OR n.balance_after <> prev.balance_after + n.amount))
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger posting % of account % does not follow the one before it', broken.seq, broken.account_id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION ledger_entries_written_once() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  reopened bigint;
BEGIN
  SELECT n.entry_id INTO reopened
    FROM (SELECT entry_id, count(*) AS c FROM new_postings GROUP BY entry_id) n
   WHERE (SELECT count(*) FROM ledger_postings p WHERE p.entry_id = n.entry_id) <> n.c
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % already has postings; an entry is written once', reopened USING ERRCODE = '42501';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_postings_written_once AFTER INSERT ON ledger_postings REFERENCING NEW TABLE AS new_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_written_once();
