-- The per-posting checks ran once per row at commit, a query each: settling a batch of a thousand
-- trades (8,000 postings) spent most of its time in them. They now run once per INSERT statement
-- over all its rows (a transition table), set-based. An entry's postings must therefore be written
-- by one statement (postEntry and postEntries do), which is what makes "every entry balances" a
-- statement-level fact.

-- The postings one statement adds to each entry balance per asset. Every statement balancing what
-- it adds means every entry balances, and the check reads only the statement's own rows.
CREATE OR REPLACE FUNCTION ledger_entries_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced record;
BEGIN
  SELECT n.entry_id, a.asset INTO unbalanced
    FROM new_postings n JOIN ledger_accounts a ON a.id = n.account_id
   GROUP BY n.entry_id, a.asset
  HAVING sum(n.amount) <> 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % does not balance in %', unbalanced.entry_id, unbalanced.asset USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

-- Every new posting links to the one before it on its account (or to its opening balance).
CREATE OR REPLACE FUNCTION ledger_postings_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  broken record;
BEGIN
  SELECT n.account_id, n.seq INTO broken
    FROM new_postings n
    JOIN ledger_accounts a ON a.id = n.account_id
    LEFT JOIN ledger_postings prev ON prev.account_id = n.account_id AND prev.seq = n.seq - 1
   WHERE n.seq IS NULL OR n.seq < 1
      OR (n.seq = 1 AND n.balance_after <> a.opening_balance + n.amount)
      OR (n.seq > 1 AND (prev.balance_after IS NULL OR n.balance_after <> prev.balance_after + n.amount))
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger posting % of account % does not follow the one before it', broken.seq, broken.account_id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER ledger_postings_balance ON ledger_postings;
DROP TRIGGER ledger_postings_links ON ledger_postings;
CREATE TRIGGER ledger_postings_balance AFTER INSERT ON ledger_postings REFERENCING NEW TABLE AS new_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_balance();
CREATE TRIGGER ledger_postings_links AFTER INSERT ON ledger_postings REFERENCING NEW TABLE AS new_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_link();
DROP FUNCTION ledger_entry_balances();
DROP FUNCTION ledger_posting_links();
