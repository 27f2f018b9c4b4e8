/**
 * Markdown → safe HTML for research reports: `marked` renders, DOMPurify
 * sanitizes (the report is model output). `[n]` citation markers become links
 * to the cited sub-agent's finding (`data-agent`), handled by the page.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';

export function renderReport(markdown: string, citations: ReadonlyArray<{ ref: number; agent: number }>): string {
  const byRef = new Map(citations.map((c) => [c.ref, c.agent]));
  const withLinks = markdown.replace(/\[(\d+)\](?![(:[])/g, (m, n: string) => {
    const agent = byRef.get(Number(n));
    return agent === undefined ? m : `<a href="#finding-${agent}" class="cite" data-agent="${agent}">[${n}]</a>`;
  });
  const html = marked.parse(withLinks, { async: false, gfm: true });
  return DOMPurify.sanitize(html, { ADD_ATTR: ['data-agent'] });
}
