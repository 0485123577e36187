import type { TokenDecoder, TokenDecoderDependencies } from './token-decoder.ts';
import type { TrustedKeyInfo } from './trusted-keys.ts';

/**
 * The engine's {@link TokenDecoder}, loaded on first use. The decoder and jose are the largest
 * modules an unlock would otherwise load, and most commands (`keys list`, every CLI command but
 * `decode`) never decode: loading them only when asked keeps them off the CLI's start-up path
 * (docs/targets.md; `npm run bench:cli-startup`). This file imports types only.
 */
export class LazyTokenDecoder {
  private readonly deps: TokenDecoderDependencies;
  private loaded: TokenDecoder | null = null;
  private loading: Promise<TokenDecoder> | null = null;

  constructor(deps: TokenDecoderDependencies) {
    this.deps = deps;
  }

  /** The decoder, loading its module (and jose) on the first call; one instance per unlock. */
  get(): Promise<TokenDecoder> {
    this.loading ??= import('./token-decoder.ts').then(({ TokenDecoder: Decoder }) => {
      this.loaded = new Decoder(this.deps);
      return this.loaded;
    });
    return this.loading;
  }

  /** Whether the decoder module has been loaded for this unlock (tests of start-up use it). */
  isLoaded(): boolean {
    return this.loaded !== null;
  }

  /** The keys trusted so far: none until the decoder has been used. */
  trustedKeys(): TrustedKeyInfo[] {
    return this.loaded?.trustedKeys() ?? [];
  }

  /** Forgets every trusted key (nothing to forget before the decoder has been used). */
  clearTrustedKeys(): void {
    this.loaded?.clearTrustedKeys();
  }
}
