import type { Browser } from 'playwright-core';
import { createConversation } from '../../support/factories.js';
import { launchBrowser, openConversation, openSignedIn, type Person } from './browser.js';
import { createOffice, NAMES, type Office } from './people.js';

export interface DirectChat {
  office: Office;
  conversationId: string;
  browser: Browser;
  yamada: Person;
  sato: Person;
}

/** The usual scene: 山田 and 佐藤 signed in, each with their direct conversation open. */
export async function openDirectChat(baseUrl: string): Promise<DirectChat> {
  const office = await createOffice(baseUrl);
  const { id: conversationId } = await createConversation(office.yamada, 'dm', [office.sato]);
  const browser = await launchBrowser();
  const yamada = await openSignedIn(browser, baseUrl, office.yamada.user.loginId, office.yamada.password);
  const sato = await openSignedIn(browser, baseUrl, office.sato.user.loginId, office.sato.password);
  await openConversation(yamada.page, NAMES.sato.name);
  await openConversation(sato.page, NAMES.yamada.name);
  return { office, conversationId, browser, yamada, sato };
}
