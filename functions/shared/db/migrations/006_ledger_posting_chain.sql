-- An account's balance was checked at commit against the sum of all its postings: work that grows
-- with the account's history, paid by every transaction touching it (settlement touches many, and
-- the exchange's own accounts are in every one). The same fact is now kept as a chain: each posting
-- carries the account's posting number and the balance right after it; each link is checked against
-- the one before, and the account's balance against its last link. Constant work per posting, and
-- by induction still "balance = opening balance + postings since" = "balance = sum of postings".
--
-- Postings written before this migration keep no number (the order concurrent transactions took
-- their locks in is not recorded): their sum becomes the account's opening balance, checked once here.
ALTER TABLE ledger_accounts ADD COLUMN opening_balance numeric(38, 0) NOT NULL DEFAULT 0;
ALTER TABLE ledger_accounts ADD COLUMN postings bigint NOT NULL DEFAULT 0;
ALTER TABLE ledger_postings ADD COLUMN seq bigint;
CREATE UNIQUE INDEX ledger_postings_chain ON ledger_postings (account_id, seq) WHERE seq IS NOT NULL;

DO $$
DECLARE
  bad bigint;
BEGIN
  SELECT a.id INTO bad FROM ledger_accounts a
    LEFT JOIN (SELECT account_id, sum(amount) AS s FROM ledger_postings GROUP BY account_id) p ON p.account_id = a.id
   WHERE a.balance <> coalesce(p.s, 0) LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'ledger account % does not equal the sum of its postings', bad USING ERRCODE = '23514';
  END IF;
END $$;
ALTER TABLE ledger_accounts DISABLE TRIGGER ledger_accounts_identity;
UPDATE ledger_accounts SET opening_balance = balance;
ALTER TABLE ledger_accounts ENABLE TRIGGER ledger_accounts_identity;

-- The opening balance is history: fixed. The posting count only grows.
CREATE OR REPLACE FUNCTION ledger_account_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.purpose <> OLD.purpose OR NEW.asset <> OLD.asset
     OR NEW.opening_balance <> OLD.opening_balance OR NEW.postings < OLD.postings THEN
    RAISE EXCEPTION 'ledger account % keeps its owner, purpose, asset and history', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;

-- Each new posting links to the one before it on its account.
CREATE FUNCTION ledger_posting_links() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before numeric(38, 0);
BEGIN
  IF NEW.seq IS NULL OR NEW.seq < 1 THEN
    RAISE EXCEPTION 'ledger posting (%, %) has no posting number', NEW.entry_id, NEW.account_id USING ERRCODE = '23514';
  END IF;
  IF NEW.seq = 1 THEN
    SELECT opening_balance INTO before FROM ledger_accounts WHERE id = NEW.account_id;
  ELSE
    SELECT balance_after INTO before FROM ledger_postings WHERE account_id = NEW.account_id AND seq = NEW.seq - 1;
  END IF;
  IF before IS NULL OR NEW.balance_after <> before + NEW.amount THEN
    RAISE EXCEPTION 'ledger posting % of account % does not follow the one before it', NEW.seq, NEW.account_id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_postings_links
  AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_posting_links();

-- An account's balance is its last link's (or its opening balance, before any).
CREATE OR REPLACE FUNCTION ledger_account_balance_matches() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  a ledger_accounts%ROWTYPE;
  last numeric(38, 0);
BEGIN
  SELECT * INTO a FROM ledger_accounts WHERE id = NEW.id;
  IF a.postings = 0 THEN
    last := a.opening_balance;
  ELSE
    SELECT balance_after INTO last FROM ledger_postings WHERE account_id = a.id AND seq = a.postings;
  END IF;
  IF last IS NULL OR a.balance <> last THEN
    RAISE EXCEPTION 'ledger account % has balance % but its postings end at %', a.id, a.balance, last USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER ledger_accounts_balance ON ledger_accounts;
CREATE CONSTRAINT TRIGGER ledger_accounts_balance
  AFTER UPDATE OF balance, postings ON ledger_accounts
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_account_balance_matches();
