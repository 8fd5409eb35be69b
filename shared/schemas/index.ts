export * from './common.js';
export * from './auth.js';
export * from './directory.js';
export * from './presence.js';
export * from './conversations.js';
export * from './telework.js';
export * from './message-actions.js';
