-- Bumped on every role change; access tokens carry it, and one older than the user's current
-- version is refused, so no token minted with the old roles outlives the change (even one whose
-- login was already under way when the roles changed).
ALTER TABLE users ADD COLUMN roles_version integer NOT NULL DEFAULT 0;
