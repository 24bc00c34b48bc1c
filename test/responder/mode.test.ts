import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../src/models/records.js';
import { effectiveMode, modeStatus } from '../../src/responder/mode.js';

const mode = fc.constantFrom<Mode>('auto', 'review');

describe('the mode rule', () => {
  it('property: while paused every chat is reviewed; otherwise a chat’s own mode wins over the owner’s, which wins over the configured one', () => {
    fc.assert(
      fc.property(
        fc.option(mode, { nil: null }),
        fc.option(mode, { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        mode,
        (chatMode, ownerMode, paused, configured) => {
          const settings = { mode: ownerMode, paused };
          expect(modeStatus(settings, configured)).toEqual({
            mode: ownerMode ?? configured,
            paused: paused ?? false,
          });
          expect(effectiveMode({ mode: chatMode }, settings, configured)).toBe(
            paused ? 'review' : (chatMode ?? ownerMode ?? configured),
          );
        },
      ),
    );
  });
});
