/** Parsing getfattr's listing (agent/engine/xattr-list.ts): escaped names, attribute filters. */
import { describe, expect, it } from 'vitest';
import { parseXattrListing } from '../../agent/engine/xattr-list.js';

describe('getfattr listing', () => {
  it('lists each path with an attribute GNU tar stores, undoing the octal escapes of its name', () => {
    const listing = Buffer.concat([
      Buffer.from('# file: /srv/a\\012b\nuser.k\n\n'), // a newline in the name
      Buffer.from('# file: /srv/c\\134d\nsystem.posix_acl_access\n\n'), // a backslash
      Buffer.from('# file: /srv/é x\t=eq\nuser.k\ntrusted.t\n\n', 'utf8'), // UTF-8 and a tab, as getfattr prints them
      Buffer.from('# file: /srv/labelled\nsecurity.selinux\n\n'), // only a label: not stored (no --selinux)
      Buffer.from('# file: /srv/\\303\\251scaped\nuser.k\n\n'), // bytes of a name escaped one by one
    ]);
    expect([...parseXattrListing(listing)]).toEqual(['/srv/a\nb', '/srv/c\\d', '/srv/é x\t=eq', '/srv/éscaped']);
  });

  it('finds nothing in an empty listing', () => {
    expect(parseXattrListing(Buffer.alloc(0)).size).toBe(0);
  });
});
