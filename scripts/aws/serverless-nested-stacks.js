// serverless loads plugins with require(): tsx loads the TypeScript module (nested-stacks.ts holds
// the logic), without hooking the rest of the process.
module.exports = require('tsx/cjs/api').require('./nested-stacks.ts', __filename).NestedStacksPlugin;
