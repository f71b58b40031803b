// serverless loads plugins with require(): tsx loads the TypeScript module (tag-resources.ts holds
// the logic), without hooking the rest of the process.
module.exports = require('tsx/cjs/api').require('./tag-resources.ts', __filename).TagResourcesPlugin;
