/**
 * Log levels of the Multus daemon and thin plugin (multus pkg/logging).
 */
export enum MultusLogLevel {
  /** Only panics: the daemon's own default. */
  PANIC = 'panic',
  /** Errors. */
  ERROR = 'error',
  /** Each ADD and DEL with its result. */
  VERBOSE = 'verbose',
  /** Everything, including the configs passed to delegates. */
  DEBUG = 'debug',
}
