export { MatchingEngine } from './matching-engine';
export { MatchingCore, type EngineOptions } from './matching-core';
export { EventBuffer } from './event-buffer';
export { snapshot, restore } from './snapshot';
export { bookChecksum, engineChecksum } from './checksum';
export * from './types';
