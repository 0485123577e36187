import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { contract, events } from '../../../shared/ipc/contract.ts';
import type { IpcResult } from '../../../shared/ipc/contract.ts';
import { selfSignedCert } from '../../support/tls-certs.ts';
import { desktopOverDispatch } from './desktop-dispatch.ts';

// The desktop's server channels (issue 11) over the real dispatch and a real engine: what the
// contract lets through, what it refuses before the engine is reached, and the pinned-certificate
// dialog main runs (the renderer sees a fingerprint, never a path).

const PASSWORD = 'server channels';
const FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');

const setup = desktopOverDispatch(PASSWORD);

function code(result: IpcResult<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

/** A self-signed certificate's PEM file. */
function selfSigned(dir: string, name: string): string {
  return selfSignedCert(dir, name).certPath;
}

describe('server channels: validation in the contract', () => {
  const parse = (channel: keyof typeof contract, input: unknown) =>
    contract[channel].input.safeParse(input).success;

  it('server.connect takes a bounded URL, a code, an optional device name and a fingerprint — nothing else', () => {
    const ok = { url: 'https://keys.example.com', code: 'ABCDE-FGHJK-MNPQR-STVWX' };
    expect(parse('server.connect', ok)).toBe(true);
    expect(parse('server.connect', { ...ok, deviceName: 'Laptop', pinnedCertSha256: FINGERPRINT })).toBe(
      true,
    );
    expect(parse('server.connect', { ...ok, pinnedCertSha256: 'ab:cd' })).toBe(false);
    expect(parse('server.connect', { ...ok, pinnedCertPem: '-----BEGIN CERTIFICATE-----' })).toBe(false);
    expect(parse('server.connect', { ...ok, url: `https://${'a'.repeat(2100)}.example` })).toBe(false);
    expect(parse('server.connect', { ...ok, code: '   ' })).toBe(false);
    expect(parse('server.connect', { ...ok, deviceName: 'x'.repeat(101) })).toBe(false);
    expect(parse('server.connect', { url: ok.url })).toBe(false);
  });

  it('keys.test takes an optional IPv4 or IPv6 address and where; the answer says local or server', () => {
    expect(parse('keys.test', { keyId: 'k' })).toBe(true);
    expect(parse('keys.test', { keyId: 'k', ip: '203.0.113.9', where: 'auto' })).toBe(true);
    expect(parse('keys.test', { keyId: 'k', ip: '2001:db8::1', where: 'local' })).toBe(true);
    expect(parse('keys.test', { keyId: 'k', ip: '203.0.113.0/24' })).toBe(false);
    expect(parse('keys.test', { keyId: 'k', ip: 'example.com' })).toBe(false);
    expect(parse('keys.test', { keyId: 'k', where: 'server' })).toBe(false);
    const output = contract['keys.test'].output;
    const answer = { accepted: true, reason: null, checkedAt: 1 };
    expect(output.safeParse({ ...answer, against: 'server' }).success).toBe(true);
    expect(output.safeParse({ ...answer, against: 'gateway' }).success).toBe(false);
  });

  it('disconnect needs confirmed: true; usage needs an integration; status, publish and the certificate take nothing', () => {
    expect(parse('server.disconnect', {})).toBe(false);
    expect(parse('server.disconnect', { confirmed: false })).toBe(false);
    expect(parse('server.disconnect', { confirmed: true })).toBe(true);
    expect(parse('usage.integration', {})).toBe(false);
    expect(parse('usage.integration', { integrationId: 'i' })).toBe(true);
    for (const channel of ['server.status', 'server.publish', 'server.chooseCertificate'] as const) {
      expect(parse(channel, {})).toBe(true);
      expect(parse(channel, { path: '/etc/passwd' })).toBe(false);
    }
  });

  it('the sync.status event and the status outputs carry no field beyond the sync status', () => {
    const status = { state: 'waiting', waiting: 3, reason: null, server: null };
    expect(events['sync.status'].safeParse(status).success).toBe(true);
    expect(events['sync.status'].safeParse({ ...status, token: 'bearer' }).success).toBe(false);
    expect(contract['server.status'].output.safeParse({ ...status, deviceKey: 'x' }).success).toBe(false);
  });
});

describe('server channels over dispatch, on a vault without a server', () => {
  it('status says not connected, usage answers NOT_CONNECTED, a test runs locally and says so', async () => {
    const { call, engine } = await setup();
    const status = await call('server.status', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'not-connected', waiting: 0, server: null } });
    const { integration, key } = engine.createIntegration({ name: 'Payments', platform: 'server' });
    expect(code(await call('usage.integration', { integrationId: integration.id }))).toBe('NOT_CONNECTED');
    const tested = await call('keys.test', { keyId: key.id });
    expect(tested).toMatchObject({ ok: true, value: { accepted: true, reason: null, against: 'local' } });
  });

  it('bad input is refused before the engine, without echoing the code', async () => {
    const { call } = await setup();
    const refused = await call('server.connect', {
      url: 'https://keys.example.com',
      code: 'SECRET-CODE',
      pinnedCertSha256: 'not a fingerprint',
    });
    expect(code(refused)).toBe('INVALID_INPUT');
    expect(JSON.stringify(refused)).not.toContain('SECRET-CODE');
    expect(code(await call('keys.test', { keyId: 'k', ip: '999.1.1.1' }))).toBe('INVALID_INPUT');
  });

  it('the pinned certificate comes from the open dialog: cancelled, not a certificate, several, one', async () => {
    const { call, openAnswers, dir } = await setup();
    openAnswers.push(null);
    expect(await call('server.chooseCertificate', {})).toEqual({ ok: true, value: { chosen: false } });

    const notCert = join(dir, 'notes.txt');
    writeFileSync(notCert, 'just text');
    openAnswers.push(notCert);
    expect(code(await call('server.chooseCertificate', {}))).toBe('INVALID_INPUT');

    const one = selfSigned(dir, 'keys.example.com');
    const two = selfSigned(dir, 'other.example.com');
    const chain = join(dir, 'chain.pem');
    writeFileSync(chain, readFileSync(one, 'utf8') + readFileSync(two, 'utf8'));
    openAnswers.push(chain);
    expect(code(await call('server.chooseCertificate', {}))).toBe('INVALID_INPUT');

    openAnswers.push(one);
    const chosen = await call('server.chooseCertificate', {});
    expect(chosen).toMatchObject({
      ok: true,
      value: { chosen: true, subject: expect.stringContaining('keys.example.com') as unknown },
    });
    const answer = JSON.stringify(chosen);
    expect(answer).not.toContain(dir); // no path back to the renderer
    expect(answer).not.toContain('BEGIN CERTIFICATE');
    const sha256 = chosen.ok ? (chosen.value as { sha256: string }).sha256 : '';
    expect(sha256).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);

    // A connect naming another certificate than the one chosen is refused before any network.
    const other = await call('server.connect', {
      url: 'https://127.0.0.1:9',
      code: 'ABCDE-FGHJK-MNPQR-STVWX',
      pinnedCertSha256: FINGERPRINT,
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(other)).toMatch(/choose the certificate to pin again/i);
  });

  it('a pinned certificate the server does not present: SERVER_UNTRUSTED naming both fingerprints, not "not trusted"', async () => {
    const { call, openAnswers, dir, engine } = await setup();
    const served = selfSignedCert(dir, 'served', '127.0.0.1');
    const pinned = selfSignedCert(dir, 'pinned', '127.0.0.1');
    // Any TLS server will do: the pin is compared before a byte of the request is written.
    const tls = createServer({ cert: served.cert, key: served.key }, (_request, response) => {
      response.writeHead(500).end();
    });
    await new Promise<void>((listening) => tls.listen(0, '127.0.0.1', listening));
    onTestFinished(() => {
      tls.close();
    });
    const { port } = tls.address() as AddressInfo;
    openAnswers.push(pinned.certPath);
    expect(await call('server.chooseCertificate', {})).toMatchObject({
      ok: true,
      value: { sha256: pinned.sha256 },
    });
    await engine.reauthenticate({ password: PASSWORD });
    const refused = await call('server.connect', {
      url: `https://127.0.0.1:${port}`,
      code: 'ABCDE-FGHJK-MNPQR-STVWX',
      pinnedCertSha256: pinned.sha256,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SERVER_UNTRUSTED' } });
    const message = refused.ok ? '' : refused.error.message;
    expect(message).toMatch(/^The certificate of 127\.0\.0\.1:\d+ does not match the pinned certificate/);
    expect(message).toContain(`presents SHA-256 ${served.sha256}`);
    expect(message).toContain(`the pin is SHA-256 ${pinned.sha256}`);
    expect(message).not.toMatch(/not trusted|DEPTH_ZERO/);
  });
});
