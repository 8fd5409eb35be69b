import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Rules not checked, and why. None today: every rule of axe-core's default set (WCAG 2.x A and AA
 * and best practices) runs, and only serious and critical findings fail a test.
 */
const DISABLED_RULES: string[] = [];

export interface Finding {
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

let axeSource: Promise<string> | undefined;

/**
 * axe-core's serious and critical findings on the page as it is now. The script is evaluated
 * through the debugging protocol rather than added as a <script> tag: the server's Content
 * Security Policy (script-src 'self') rightly refuses inline scripts, and the tests do not loosen it.
 */
export async function seriousViolations(page: Page): Promise<Finding[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  return page.evaluate(async (disabled) => {
    type Result = { violations: any[]; passes: unknown[] }; // eslint-disable-line @typescript-eslint/no-explicit-any -- axe's own result objects, read below
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<Result> } }).axe;
    const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
    const { violations, passes } = await axe.run(document, { resultTypes: ['violations'], rules });
    // A run that checked nothing would pass anything.
    if (passes.length < 10) throw new Error(`axe checked only ${passes.length} rules`);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n: { target: string[] }) => n.target.join(' ')) }));
  }, DISABLED_RULES);
}
