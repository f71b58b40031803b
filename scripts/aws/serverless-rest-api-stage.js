// serverless loads plugins with require(): tsx loads the TypeScript module (rest-api-stage.ts holds
// the logic), without hooking the rest of the process.
module.exports = require('tsx/cjs/api').require('./rest-api-stage.ts', __filename).RestApiStagePlugin;
