-- TOTP enrolment: a secret waits in mfa_pending_secret until a first code proves the app has it;
-- mfa_last_step is the last accepted 30-second step, so no code is accepted twice.
ALTER TABLE users ADD COLUMN mfa_pending_secret text;
ALTER TABLE users ADD COLUMN mfa_last_step bigint;
