/** Response URLs (`POST /response/{id}`), as Bolt's `respond()` uses them: five uses each. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkMessageBlocks } from './block-kit.js';
import type { SlackIds } from './ids.js';
import { mediaType, parseResponseBody } from './requests.js';
import type { RecordedResponse, RefusedResponse } from './types.js';
import { send, str } from './wire.js';

export class ResponseUrls {
  /** Accepted POSTs to response URLs. */
  readonly accepted: RecordedResponse[] = [];
  /** POSTs to response URLs that Slack would refuse (used too often, no text, bad blocks). */
  readonly refused: RefusedResponse[] = [];

  private readonly uses = new Map<string, number>();

  /** `maxUses`: how many times one response URL may be used. */
  constructor(
    private readonly origin: string,
    private readonly maxUses: number,
    private readonly ids: SlackIds,
  ) {}

  /** A response URL served by this fake; a fresh id unless one is given. */
  url(id?: string): string {
    const key = id ?? `R${this.ids.nextId(10)}`;
    return `${this.origin}/response/${encodeURIComponent(key)}`;
  }

  reset(): void {
    this.accepted.length = 0;
    this.refused.length = 0;
    this.uses.clear();
  }

  /** A POST to the response URL `id`; `raw` is its body, undefined when too large. */
  receive(req: IncomingMessage, res: ServerResponse, id: string, raw?: Buffer) {
    if (req.method !== 'POST' || raw === undefined) {
      send(res, 405, 'method_not_allowed');
      return;
    }
    const body = parseResponseBody(mediaType(req), raw);
    if (!body) {
      send(res, 400, 'invalid_payload');
      return;
    }
    const refuse = (status: number, reason: string) => {
      this.refused.push({ id, body, status, reason });
      send(res, status, reason);
    };
    const uses = this.uses.get(id) ?? 0;
    if (uses >= this.maxUses) return refuse(404, 'used_url');
    const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
    if (body.blocks !== undefined) {
      const check = checkMessageBlocks(body.blocks);
      if (check.failure) return refuse(400, String(check.failure.error));
    }
    if (!str(body.text) && !hasBlocks && body.delete_original !== true) {
      return refuse(400, 'no_text');
    }
    this.uses.set(id, uses + 1);
    this.accepted.push({ id, body });
    send(res, 200, { ok: true });
  }
}
