import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostLinks } from '../../../src/store/post-links.js';
import type { Store } from '../../../src/store/store.js';
import { c2cEvent, type StoreFactory } from './events.js';

/** What every PostLinks must do, whatever it keeps its data in. */
export function describePostLinksContract(name: string, factory: StoreFactory): void {
  describe(`PostLinks contract: ${name}`, () => {
    let store: Store;
    let links: PostLinks;
    beforeEach(async () => {
      store = await factory.open();
      links = store.links;
    });
    afterEach(async () => {
      await store.close();
    });

    it('remembers post links', async () => {
      expect(await links.getPostLink('oa:x:1')).toBeUndefined();
      await links.savePostLink('oa:x:1', { channel: 'C1', ts: '1.000100' });
      expect(await links.getPostLink('oa:x:1')).toEqual({ channel: 'C1', ts: '1.000100' });
      const event = c2cEvent('with-event');
      await links.savePostLink('oa:x:2', { channel: 'C1', ts: '2.000100', event });
      expect(await links.getPostLink('oa:x:2')).toEqual({ channel: 'C1', ts: '2.000100', event });
    });

    it('adds recalled keys of a group post atomically, and reads them', async () => {
      expect(await links.addRecalled('group:g1', [])).toEqual([]);
      await Promise.all([
        links.addRecalled('group:g1', ['a', 'b']),
        links.addRecalled('group:g1', ['c']),
        links.addRecalled('group:g1', ['b', 'd']),
      ]);
      expect((await links.addRecalled('group:g1', [])).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await links.addRecalled('group:other', [])).toEqual([]);
    });
  });
}
