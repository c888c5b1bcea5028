// Card detail is CDS Hooks Markdown written by a CDS service: the demo EHR parses it with markdown-it
// (raw HTML off) and builds React elements from the tokens itself, so no HTML string ever reaches the
// page. Only paragraphs, lists, emphasis, code spans and http(s) links are rendered; anything else is
// shown as its text.
import MarkdownIt from 'markdown-it';
import { createElement, type ReactNode } from 'react';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const parser = new MarkdownIt('zero', { html: false, linkify: false, typographer: false }).enable([
  'paragraph',
  'list',
  'emphasis',
  'backticks',
  'link',
  'escape',
  'newline',
  'entity',
]);

const BLOCK_TAGS: Readonly<Record<string, string>> = {
  paragraph_open: 'p',
  bullet_list_open: 'ul',
  ordered_list_open: 'ol',
  list_item_open: 'li',
};
const INLINE_TAGS: Readonly<Record<string, string>> = { strong_open: 'strong', em_open: 'em' };

interface Frame {
  readonly tag: string | null;
  readonly props: Record<string, unknown>;
  readonly children: ReactNode[];
}

/** A link target the page may point at: absolute http(s) only (no javascript:, data: or relative paths). */
export function safeHref(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function build(tokens: readonly Token[]): ReactNode[] {
  const root: Frame = { tag: null, props: {}, children: [] };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1]!;
  const close = () => {
    const frame = stack.pop()!;
    const parent = top();
    const key = parent.children.length;
    parent.children.push(frame.tag ? createElement(frame.tag, { ...frame.props, key }, ...frame.children) : createElement('span', { key }, ...frame.children));
  };
  for (const token of tokens) {
    if (token.type === 'inline') {
      for (const child of build(token.children ?? [])) top().children.push(child);
      continue;
    }
    const tag = BLOCK_TAGS[token.type] ?? INLINE_TAGS[token.type];
    if (token.nesting === 1) {
      if (token.type === 'link_open') {
        const href = safeHref(String(token.attrGet('href') ?? ''));
        stack.push({ tag: href ? 'a' : 'span', props: href ? { href, rel: 'noopener noreferrer', target: '_blank' } : {}, children: [] });
      } else if (token.hidden) {
        stack.push({ tag: null, props: {}, children: [] }); // tight list paragraphs add no element
      } else {
        stack.push({ tag: tag ?? 'span', props: {}, children: [] });
      }
      continue;
    }
    if (token.nesting === -1) {
      if (stack.length > 1) close();
      continue;
    }
    switch (token.type) {
      case 'text':
        top().children.push(token.content);
        break;
      case 'code_inline':
        top().children.push(createElement('code', { key: top().children.length }, token.content));
        break;
      case 'softbreak':
      case 'hardbreak':
        top().children.push(createElement('br', { key: top().children.length }));
        break;
      default:
        if (token.content) top().children.push(token.content);
    }
  }
  while (stack.length > 1) close();
  return root.children;
}

/** React elements for a card's Markdown detail. */
export function CardMarkdown({ source }: { source: string }) {
  return <div className="cds-detail">{build(parser.parse(String(source ?? ''), {}))}</div>;
}
