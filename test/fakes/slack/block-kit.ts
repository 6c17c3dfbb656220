/** Block Kit validation, reporting problems the way Slack does in `response_metadata.messages`. */
import { chars, fail, isRecord, type Json } from './wire.js';

// Limits from docs.slack.dev, Block Kit reference.
const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;

const BLOCK_TYPES = new Set([
  'actions',
  'call',
  'context',
  'context_actions',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);
const STYLES = new Set(['primary', 'danger']);

interface TextRule {
  max: number;
  plainOnly?: boolean;
}

class BlockKitChecker {
  readonly problems: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();
  /** Whether an input block was seen (a modal then needs a submit button). */
  hasInput = false;

  problem(message: string, pointer: string): void {
    this.problems.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  blocks(blocks: unknown[], pointer: string, max: number): void {
    if (blocks.length > max) this.problem(`no more than ${max} items allowed`, pointer);
    blocks.forEach((block, i) => {
      this.block(block, `${pointer}/${i}`);
    });
  }

  private block(block: unknown, p: string): void {
    if (!isRecord(block) || typeof block.type !== 'string') {
      this.problem('missing required field: type', p);
      return;
    }
    if (!BLOCK_TYPES.has(block.type)) {
      this.problem(`unsupported type: ${block.type}`, `${p}/type`);
      return;
    }
    // Slack wants action_ids unique within their block, not across the message or view.
    this.actionIds.clear();
    if (block.block_id !== undefined) {
      const id = block.block_id;
      if (typeof id !== 'string' || id.length === 0 || chars(id) > 255) {
        this.problem('must be a string of 1 to 255 characters', `${p}/block_id`);
      } else if (this.blockIds.has(id)) {
        this.problem(`duplicate block_id: ${id}`, `${p}/block_id`);
      } else {
        this.blockIds.add(id);
      }
    }
    switch (block.type) {
      case 'section':
        this.section(block, p);
        break;
      case 'header':
        this.text(block.text, `${p}/text`, { max: 150, plainOnly: true });
        break;
      case 'context':
        this.list(block.elements, `${p}/elements`, 10, (element, q) => {
          if (!isRecord(element) || element.type !== 'image') this.text(element, q, { max: 3000 });
        });
        break;
      case 'actions':
        this.list(block.elements, `${p}/elements`, 25, (element, q) => {
          this.element(element, q);
        });
        break;
      case 'input':
        this.hasInput = true;
        this.text(block.label, `${p}/label`, { max: 2000, plainOnly: true });
        if (block.hint !== undefined) {
          this.text(block.hint, `${p}/hint`, { max: 2000, plainOnly: true });
        }
        this.element(block.element, `${p}/element`);
        break;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length === 0) {
          this.problem('must be a non-empty string', `${p}/text`);
        } else if (chars(block.text) > 12_000) {
          this.problem('must be less than 12001 characters', `${p}/text`);
        }
        break;
      case 'image':
        if (typeof block.alt_text !== 'string' || chars(block.alt_text) > 2000) {
          this.problem('must be a string of at most 2000 characters', `${p}/alt_text`);
        }
        if (block.image_url === undefined && block.slack_file === undefined) {
          this.problem('must provide either image_url or slack_file', p);
        }
        break;
      default:
        break;
    }
  }

  private section(block: Json, p: string): void {
    if (block.text === undefined && block.fields === undefined) {
      this.problem('must provide either text or fields', p);
    }
    if (block.text !== undefined) this.text(block.text, `${p}/text`, { max: 3000 });
    if (block.fields !== undefined) {
      this.list(block.fields, `${p}/fields`, 10, (field, q) => {
        this.text(field, q, { max: 2000 });
      });
    }
    if (block.accessory !== undefined) this.element(block.accessory, `${p}/accessory`);
  }

  private list(
    value: unknown,
    p: string,
    max: number,
    each: (item: unknown, pointer: string) => void,
  ): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.problem('must be a non-empty array', p);
      return;
    }
    if (value.length > max) this.problem(`no more than ${max} items allowed`, p);
    value.forEach((item, i) => {
      each(item, `${p}/${i}`);
    });
  }

  text(value: unknown, p: string, rule: TextRule): void {
    if (!isRecord(value)) {
      this.problem('must be a text object', p);
      return;
    }
    const allowed = rule.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
      this.problem(`must be one of: ${allowed.join(', ')}`, `${p}/type`);
    }
    if (typeof value.text !== 'string' || value.text.length === 0) {
      this.problem('must be more than 0 characters', `${p}/text`);
    } else if (chars(value.text) > rule.max) {
      this.problem(`must be less than ${rule.max + 1} characters`, `${p}/text`);
    }
  }

  private maxString(value: unknown, p: string, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'string') this.problem('must be a string', p);
    else if (chars(value) > max) this.problem(`must be less than ${max + 1} characters`, p);
  }

  private element(element: unknown, p: string): void {
    if (!isRecord(element) || typeof element.type !== 'string') {
      this.problem('missing required field: type', p);
      return;
    }
    const actionId = element.action_id;
    if (actionId !== undefined) {
      if (typeof actionId !== 'string' || actionId.length === 0 || chars(actionId) > 255) {
        this.problem('must be a string of 1 to 255 characters', `${p}/action_id`);
      } else if (this.actionIds.has(actionId)) {
        this.problem(`duplicate action_id: ${actionId}`, `${p}/action_id`);
      } else {
        this.actionIds.add(actionId);
      }
    }
    if (element.placeholder !== undefined) {
      this.text(element.placeholder, `${p}/placeholder`, { max: 150, plainOnly: true });
    }
    if (element.confirm !== undefined) this.confirm(element.confirm, `${p}/confirm`);
    if (element.type === 'button') {
      this.text(element.text, `${p}/text`, { max: 75, plainOnly: true });
      this.maxString(element.value, `${p}/value`, 2000);
      this.maxString(element.url, `${p}/url`, 3000);
      this.maxString(element.accessibility_label, `${p}/accessibility_label`, 75);
      if (element.style !== undefined && !STYLES.has(String(element.style))) {
        this.problem('must be one of: primary, danger', `${p}/style`);
      }
    }
    if (element.type === 'plain_text_input') {
      this.maxString(element.initial_value, `${p}/initial_value`, 3000);
    }
  }

  private confirm(value: unknown, p: string): void {
    if (!isRecord(value)) {
      this.problem('must be a confirmation object', p);
      return;
    }
    this.text(value.title, `${p}/title`, { max: 100, plainOnly: true });
    this.text(value.text, `${p}/text`, { max: 300 });
    this.text(value.confirm, `${p}/confirm`, { max: 30, plainOnly: true });
    this.text(value.deny, `${p}/deny`, { max: 30, plainOnly: true });
    if (value.style !== undefined && !STYLES.has(String(value.style))) {
      this.problem('must be one of: primary, danger', `${p}/style`);
    }
  }
}

type BlocksCheck =
  | { blocks: Record<string, unknown>[]; failure?: undefined }
  | { blocks?: undefined; failure: Json };

/** The `blocks` argument of a message: JSON array of at most 50 valid blocks. */
export function checkMessageBlocks(raw: unknown): BlocksCheck {
  if (!Array.isArray(raw)) {
    return {
      failure: fail('invalid_blocks_format', [
        '[ERROR] must be a JSON array [json-pointer:/blocks]',
      ]),
    };
  }
  const checker = new BlockKitChecker();
  checker.blocks(raw, '/blocks', MAX_MESSAGE_BLOCKS);
  if (checker.problems.length > 0) return { failure: fail('invalid_blocks', checker.problems) };
  return { blocks: raw.filter(isRecord) };
}

/** Problems with a `view` argument (modal or Home tab), as `invalid_arguments` messages. */
export function viewProblems(view: Json): string[] {
  const checker = new BlockKitChecker();
  const p = '/view';
  if (view.type !== 'modal' && view.type !== 'home') {
    checker.problem('must be one of: modal, home', `${p}/type`);
  }
  if (view.type === 'modal') {
    checker.text(view.title, `${p}/title`, { max: 24, plainOnly: true });
  }
  for (const key of ['submit', 'close'] as const) {
    if (view[key] !== undefined && view[key] !== null) {
      checker.text(view[key], `${p}/${key}`, { max: 24, plainOnly: true });
    }
  }
  if (!Array.isArray(view.blocks)) checker.problem('must be an array', `${p}/blocks`);
  else checker.blocks(view.blocks, `${p}/blocks`, MAX_VIEW_BLOCKS);
  if (view.type === 'modal' && checker.hasInput && (view.submit === undefined || !view.submit)) {
    checker.problem('submit is required when an input block is used', `${p}/submit`);
  }
  for (const [key, max] of [
    ['callback_id', 255],
    ['private_metadata', 3000],
    ['external_id', 255],
  ] as const) {
    const value = view[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') checker.problem('must be a string', `${p}/${key}`);
    else if (chars(value) > max) {
      checker.problem(`must be less than ${max + 1} characters`, `${p}/${key}`);
    }
  }
  return checker.problems;
}
