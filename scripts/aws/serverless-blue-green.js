// serverless loads plugins with require(): tsx loads the TypeScript module (blue-green.ts holds
// the logic), without hooking the rest of the process.
module.exports = require('tsx/cjs/api').require('./blue-green.ts', __filename).BlueGreenPlugin;
