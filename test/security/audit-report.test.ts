import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs/reports/security-audit.md against the code', () => {
  it('when the audit says how secrets are compared, then it says what src/lib/secrets.ts does', () => {
    const audit = read('docs/reports/security-audit.md');
    const code = read('src/lib/secrets.ts');
    const bullet = /- \*\*Constant time\.\*\*[\s\S]*?(?=\n- )/.exec(audit)?.[0];
    expect(bullet).toBeDefined();
    expect(bullet).toContain('src/lib/secrets.ts');
    expect(code).toContain('timingSafeEqual');
    expect(bullet).toContain('timingSafeEqual');
    // Hashing is claimed exactly when the code hashes.
    const codeHashes = /createHash\(|\.digest\(/.test(code);
    const auditClaimsHashing = /SHA-256|hashed and compared|are hashed/.test(bullet!);
    expect(auditClaimsHashing).toBe(codeHashes);
  });
});
