// Powertools in tests: no EMF metrics or X-Ray segments on stdout, only warnings and errors in logs.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// the functions' tests run as the local stage does: deposits from the simulated funding source
process.env.SIMULATED_FUNDING ??= 'true';
// a data key for secrets at rest, fresh per run (the functions' config demands one)
if (!process.env.DATA_KEYS) {
  const kid = 'test';
  process.env.DATA_KEYS = JSON.stringify({ [kid]: require('node:crypto').randomBytes(32).toString('base64') });
  process.env.DATA_KEY_ID = kid;
}
// as npm start does: the SDK's notice about its 2027 releases, once per process, says nothing about a test
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// the matching host's mutual TLS: the tests' own CA (test/global-setup.ts makes it)
process.env.HOST_TLS_DIR ??= require('node:path').join(__dirname, '..', '.data', 'test-host-ca');
