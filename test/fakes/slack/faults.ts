/** Faults queued for the next calls of one method (`failNext`). */
import type { ServerResponse } from 'node:http';
import { fail, type Json, send } from './wire.js';

/**
 * `{error}`: HTTP 200 `{ok:false,error}`. `http500`: HTTP 500 `{ok:false,error:'internal_error'}`.
 * `reset`: the connection is destroyed. `hang`: the request is read and never answered.
 */
export type MethodFault = { error: string } | 'http500' | 'reset' | 'hang';

export class MethodFaults {
  private readonly queued = new Map<string, MethodFault[]>();
  private readonly hanging = new Set<ServerResponse>();

  add(method: string, fault: MethodFault, times: number): void {
    if (!Number.isInteger(times) || times < 0) {
      throw new RangeError(`failNext: times must be a whole number ≥ 0, not ${times}`);
    }
    const queue = this.queued.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(typeof fault === 'object' ? { ...fault } : fault);
    if (queue.length > 0) this.queued.set(method, queue);
  }

  /** The fault for this call of `method`, used up by taking it. */
  take(method: string): MethodFault | undefined {
    const queue = this.queued.get(method);
    const fault = queue?.shift();
    if (queue?.length === 0) this.queued.delete(method);
    return fault;
  }

  /** Fails the call as `fault` says; `record` keeps the HTTP status (0: none) and the result. */
  apply(res: ServerResponse, fault: MethodFault, record: (status: number, result: Json) => void) {
    if (fault === 'reset') {
      record(0, fail('connection_reset'));
      res.destroy();
    } else if (fault === 'hang') {
      record(0, fail('no_answer'));
      this.hanging.add(res);
      res.once('close', () => this.hanging.delete(res));
    } else {
      const [status, body] =
        fault === 'http500' ? [500, fail('internal_error')] : [200, fail(fault.error)];
      record(status, body);
      send(res, status, body);
    }
  }

  /** Forgets the faults not yet used; calls already hanging go on hanging. */
  clear(): void {
    this.queued.clear();
  }

  /** Hangs up on the calls left hanging, so that the server can close. */
  destroyHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }
}
