-- What each settled trade side said (its command's seq, the accounts and orders, the side and the
-- amounts), beside the ledger entry its trade id claimed. A side that arrives again under the same
-- id is a redelivery only if it says the same; one that says something else (an id a host reused)
-- must be refused loudly, not skipped as settled. Append-only like the ledger it annotates.
CREATE TABLE trade_side_contents (
  reference text PRIMARY KEY,
  content   text NOT NULL
);
CREATE TRIGGER trade_side_contents_append_only BEFORE UPDATE OR DELETE ON trade_side_contents
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
