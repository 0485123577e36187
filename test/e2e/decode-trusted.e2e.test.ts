// Verifying another issuer's token on the Decode screen: unverified until its public keys are
// trusted (pasted as a JWKS), verified by the imported key after, and unverified again once forgotten.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkA11y, openScreen, setupE2e } from '../support/e2e/index.ts';

const e2e = setupE2e();

describe('Decode with the keys of another issuer', () => {
  it('trusting a pasted JWKS verifies the token; forgetting it does not', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const token = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'ES256', kid: 'partner-1' })
      .setIssuer('https://idp.partner.example')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(publicKey)), kid: 'partner-1', alg: 'ES256' }],
    });

    const app = await e2e.openApp();
    const { page } = app;
    await openScreen(page, 'Decode');
    await page.getByLabel('Paste a Secret, JWT or API key').fill(token);
    const banner = page.getByTestId('signature-banner');
    await expect.poll(() => banner.getAttribute('data-status')).toBe('unverified');

    await page.getByText('Keys of other issuers').click();
    await page.getByLabel('JWKS, JWK or PEM public key').fill('{"keys": [');
    await page.getByRole('button', { name: 'Trust these keys' }).click();
    await page.locator('.decode-trusted .field__error').waitFor();
    await checkA11y(page);

    await page.getByLabel('JWKS, JWK or PEM public key').fill(jwks);
    await page.getByLabel('Label (optional)').fill('partner IdP');
    await page.getByRole('button', { name: 'Trust these keys' }).click();
    await page.getByRole('list', { name: 'Trusted keys' }).getByText('partner IdP').waitFor();
    await expect.poll(() => banner.getAttribute('data-status')).toBe('verified-imported');

    await page.getByRole('button', { name: 'Forget all' }).click();
    await expect.poll(() => banner.getAttribute('data-status')).toBe('unverified');
    expect(app.engine.trustedKeys()).toEqual([]);
  });
});
