export { SqliteBackend, type SqliteBackendOptions } from './sqlite-backend.js';
export { SqliteJobLogger, type SqliteJobLoggerOptions } from './sqlite-job-logger.js';
export { SqliteJobRepository, type SqliteJobRepositoryOptions } from './sqlite-job-repository.js';
