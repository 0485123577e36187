// Types only. The test files compile against Node's types (tsconfig.node.json has no DOM lib), but the
// functions they hand to `page.evaluate` run in the page. Inside those functions, write
// `const w = globalThis as unknown as PageGlobals;` — erased at run time, so nothing is captured from
// Node — and use the small, typed slice of the DOM below.
import type { KeywardBridge } from '../../../electron/preload/bridge.ts';

/** A DOM element, as much of it as the e2e tests touch. */
export interface PageElement {
  id: string;
  textContent: string | null;
  setAttribute(name: string, value: string): void;
  append(...nodes: PageElement[]): void;
  remove(): void;
  click(): void;
}

/** A `securitypolicyviolation` event. */
export interface PageCspViolation {
  effectiveDirective: string;
  violatedDirective: string;
  blockedURI: string;
  disposition: string;
  originalPolicy: string;
}

/** The document, as much of it as the e2e tests touch. */
export interface PageDocument {
  readonly body: PageElement;
  readonly head: PageElement;
  createElement(tag: string): PageElement;
  getElementById(id: string): PageElement | null;
  addEventListener(type: 'securitypolicyviolation', listener: (event: PageCspViolation) => void): void;
  removeEventListener(type: 'securitypolicyviolation', listener: (event: PageCspViolation) => void): void;
}

/** `window` in the page, as the e2e tests see it. Test flags live in `flags`. */
export interface PageGlobals {
  readonly document: PageDocument;
  readonly keyward: KeywardBridge;
  readonly location: { readonly href: string; readonly origin: string };
  getComputedStyle(element: PageElement): { readonly color: string };
  fetch(url: string): Promise<unknown>;
  setTimeout(callback: (() => void) | string, ms: number): number;
  /** Free slots the tests set from the page (an inline script that ran, events received …). */
  [flag: `__e2e${string}`]: unknown;
}
