import { CodedError } from '../lib/errors.js';

/** The delivery's failures, each a `CodedError`. */

/** A job failed for a reason of its own too often: its events are set aside. */
export class DeadLetterError extends CodedError<'dead_letter'> {
  constructor(
    readonly kind: string,
    readonly reason: string,
  ) {
    super('dead_letter', `${kind}: ${reason}`);
  }
}

/** The worker is stopping: what is left stays in the store. */
export class StoppedError extends CodedError<'stopped'> {
  constructor(message: string) {
    super('stopped', message);
  }
}

/** The store could not record a write: the batch is released and tried again later. */
export class StoreFaultError extends CodedError<'store_fault'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('store_fault', message, options);
  }
}

/**
 * A role of the store, with every failure of it made a `StoreFaultError`: a failure that is the
 * store's is then never taken for an event's own (and never sets an event aside).
 */
export function tagStoreFaults<Role extends object>(role: Role): Role {
  return new Proxy(role, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (error instanceof StoreFaultError) throw error;
          const message = error instanceof Error ? error.message : String(error);
          throw new StoreFaultError(`the store failed: ${message}`, { cause: error });
        });
      };
    },
  });
}
