/**
 * The build a host runs, as Health and the metrics report it: `npm run build:host` stamps the
 * bundle with its release version (esbuild `define`); a host run from the TypeScript sources says
 * `source`. A blue-green release (statemachines/host-release.asl.json) waits for the new version to
 * answer before it hands the book over, and checks which version each host runs.
 */
declare const __HOST_BUILD_VERSION__: string | undefined;

export const BUILD_VERSION: string = typeof __HOST_BUILD_VERSION__ === 'string' ? __HOST_BUILD_VERSION__ : 'source';
