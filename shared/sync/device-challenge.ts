/**
 * What a device signs to sign in to a Keyward server: the UTF-8 of
 * `keyward:device-challenge:v1:<challengeId>:<challenge>`, with its Ed25519 device key (the
 * signature goes back as unpadded base64url). The server hands out the challenge once, for a
 * minute, and accepts its signature once; the answer is a short-lived bearer token.
 */
export function deviceChallengeMessage(challengeId: string, challenge: string): string {
  return `keyward:device-challenge:v1:${challengeId}:${challenge}`;
}
