-- When each role a user holds was granted (role → time): a role granted moments ago does not yet
-- count for the DR four-eyes rule (functions/ops/dr-ops-service.ts), so an admin cannot make a
-- second operator on the spot. Roles held before this column existed have no time: long held.
ALTER TABLE users ADD COLUMN role_granted_at jsonb NOT NULL DEFAULT '{}'::jsonb;
