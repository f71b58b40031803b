-- A trader's account never goes below zero, whoever writes to the ledger: the host's memory, a
-- bug in a function or a hand-written statement cannot overdraw it. The balance is checked on
-- every write to the account row (immediate, not deferred), and the deferred chain checks of
-- 006-008 tie that balance to the account's last posting, so no committed posting leaves a trader
-- account negative. The postings one statement writes are one step: a batch that credits and
-- debits the same account is judged by where it ends. The exchange's own accounts (user_id NULL:
-- funding, payouts, clearing) may go negative by design.
-- Validated, not NOT VALID: a trader account already negative is an incident to resolve first.
ALTER TABLE ledger_accounts
  ADD CONSTRAINT ledger_accounts_trader_not_overdrawn CHECK (user_id IS NULL OR balance >= 0);

-- A withdrawal takes its amount out of what the ledger can still pay before the host is asked
-- (account-service.ts): `ledger_reserved` marks a withdrawal whose amount is set aside until it
-- completes or is refused, so concurrent withdrawals under different keys cannot each count the
-- same balance.
ALTER TABLE transfers ADD COLUMN ledger_reserved boolean NOT NULL DEFAULT false;
CREATE INDEX transfers_reserved ON transfers (user_id, asset) WHERE kind = 'withdrawal' AND ledger_reserved AND status IN ('requested', 'review');
