/** Views: `views.open`, `views.push` (one use per trigger) and `views.update` (by ID or hash). */
import { randomBytes } from 'node:crypto';
import { viewProblems } from './block-kit.js';
import { fakeSlackIdentity } from './identity.js';
import type { SlackIds } from './ids.js';
import type { RecordedView, ViewMethod } from './types.js';
import { fail, isRecord, type Json, type MethodTable, ok, str } from './wire.js';

interface OpenView {
  hash: string;
  externalId?: string;
}

export class ViewMethods {
  /** Successful `views.open` / `views.update` / `views.push`. */
  readonly views: RecordedView[] = [];

  readonly methods: MethodTable = {
    'views.open': (args) => this.openView('views.open', args),
    'views.push': (args) => this.openView('views.push', args),
    'views.update': (args) => this.updateView(args),
  };

  private readonly usedTriggers = new Set<string>();
  private readonly openViews = new Map<string, OpenView>();

  constructor(private readonly ids: SlackIds) {}

  reset(): void {
    this.views.length = 0;
    this.usedTriggers.clear();
    this.openViews.clear();
  }

  /** The `view` argument, or the failure Slack answers for it. */
  private viewArg(args: Json): { view: Json; failure?: undefined } | { failure: Json } {
    const view = args.view;
    if (view === undefined) {
      return { failure: fail('invalid_arguments', ['[ERROR] missing required field: view']) };
    }
    if (!isRecord(view)) {
      return { failure: fail('invalid_arguments', ['[ERROR] view must be a JSON object']) };
    }
    const problems = viewProblems(view);
    if (problems.length > 0) return { failure: fail('invalid_arguments', problems) };
    return { view };
  }

  private openView(method: 'views.open' | 'views.push', args: Json): Json {
    const trigger = str(args.trigger_id);
    if (!trigger) return fail('invalid_trigger_id');
    if (this.usedTriggers.has(trigger)) return fail('trigger_exchanged');
    const checked = this.viewArg(args);
    if (checked.failure) return checked.failure;
    const externalId = str(checked.view.external_id);
    if (externalId && [...this.openViews.values()].some((v) => v.externalId === externalId)) {
      return fail('duplicate_external_id');
    }
    this.usedTriggers.add(trigger);
    return this.storeView(method, `V${this.ids.nextId(10)}`, checked.view, trigger);
  }

  private updateView(args: Json): Json {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId) {
      return fail('invalid_arguments', ['[ERROR] view_id or external_id is required']);
    }
    const id =
      viewId ?? [...this.openViews].find(([, open]) => open.externalId === externalId)?.[0];
    const open = id ? this.openViews.get(id) : undefined;
    if (!id || !open) return fail('not_found');
    const hash = str(args.hash);
    if (hash && hash !== open.hash) return fail('hash_conflict');
    const checked = this.viewArg(args);
    if (checked.failure) return checked.failure;
    return this.storeView('views.update', id, checked.view);
  }

  private storeView(method: ViewMethod, id: string, view: Json, trigger?: string): Json {
    const hash = `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
    const externalId = str(view.external_id) || undefined;
    this.openViews.set(id, { hash, ...(externalId ? { externalId } : {}) });
    this.views.push({
      id,
      method,
      view,
      at: Date.now(),
      ...(trigger ? { trigger_id: trigger } : {}),
    });
    const { teamId, appId, botId } = fakeSlackIdentity;
    return ok({
      view: {
        team_id: teamId,
        private_metadata: '',
        callback_id: '',
        external_id: '',
        state: { values: {} },
        clear_on_close: false,
        notify_on_close: false,
        previous_view_id: null,
        root_view_id: id,
        app_id: appId,
        bot_id: botId,
        ...view,
        id,
        hash,
      },
    });
  }
}
