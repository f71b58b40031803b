// serverless offline loads its customAuthenticationProvider with require(): tsx loads the TypeScript
// module (offline-gateway-responses.ts holds the logic), without hooking the rest of the process.
module.exports = require('tsx/cjs/api').require('./offline-gateway-responses.ts', __filename).provider;
