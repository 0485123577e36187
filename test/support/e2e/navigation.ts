import type { Page } from 'playwright-core';

/** Goes to a screen of the unlocked app through the sidebar and waits for its heading. */
export async function openScreen(page: Page, screen: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${screen}`) })
    .click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor();
}
