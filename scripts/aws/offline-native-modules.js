/**
 * serverless@3 plugin: under serverless offline (and invoke local) the handlers' native modules load
 * the binary of the project's own install, built for this machine's Node, not one from the bundle's
 * node_modules. The bundle's externals are installed without install scripts (serverless.yml,
 * custom.esbuild.installExtraArgs) so that the deployed zip carries only argon2's prebuilds, which
 * Lambda's nodejs22.x on arm64 loads; but those prebuilds ask for Node-API 10, which Node 20 lacks,
 * and the project's install compiled argon2 for the Node it runs on instead. node-gyp-build looks
 * for a module's binary in <NAME>_PREBUILD when that variable is set: the offline functions get it
 * in their environment, the deployed ones never do.
 */
'use strict';

const { join } = require('node:path');

/** the externals with a native binary, and node-gyp-build's variable naming where to find it */
const NATIVE = { argon2: 'ARGON2_PREBUILD' };

class OfflineNativeModules {
  constructor(serverless) {
    const pointToOwnInstall = () => {
      const provider = serverless.service.provider;
      provider.environment = provider.environment ?? {};
      for (const [name, variable] of Object.entries(NATIVE))
        provider.environment[variable] = join(serverless.serviceDir, 'node_modules', name);
    };
    this.hooks = {
      'before:offline:start': pointToOwnInstall,
      'before:offline:start:init': pointToOwnInstall,
      'before:invoke:local:invoke': pointToOwnInstall,
    };
  }
}

module.exports = OfflineNativeModules;
