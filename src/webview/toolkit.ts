/**
 * The only module that touches `@vscode/webview-ui-toolkit` (deprecated upstream, archived): moving
 * to `@vscode-elements/elements` means changing this file alone.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodePanels, vsCodePanelTab, vsCodePanelView } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView());

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'secondary'): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('appearance', appearance);
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export interface Tab {
  id: string;
  label: string;
  content: HTMLElement;
}

export interface TabBar {
  element: HTMLElement;
  select(id: string): void;
  badge(id: string, text: string): void;
  /** Adds a tab (before tab `before`, else last). */
  add(tab: Tab, before?: string): void;
  remove(id: string): void;
  has(id: string): boolean;
}

/** Tabs with a panel each: the container, and ways to select, mark, add and remove tabs. */
export function tabs(items: Tab[], onChange: (id: string) => void): TabBar {
  const panels = document.createElement('vscode-panels');
  const badges = new Map<string, HTMLElement>();
  const add = (t: Tab, before?: string) => {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${t.id}`;
    tab.append(t.label);
    const badge = document.createElement('span');
    badge.className = 'tab-badge';
    tab.append(badge);
    badges.set(t.id, badge);
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${t.id}`;
    view.append(t.content);
    const nextTab = before && panels.querySelector(`#tab-${CSS.escape(before)}`);
    const nextView = before && panels.querySelector(`#view-${CSS.escape(before)}`);
    if (nextTab && nextView) {
      nextTab.before(tab);
      nextView.before(view);
    } else {
      panels.append(tab, view);
    }
  };
  for (const t of items) add(t);
  panels.addEventListener('change', (e) => {
    // The event carries the new tab; the `activeid` attribute is updated only after it.
    const active = (e as CustomEvent<HTMLElement | undefined>).detail?.id ?? panels.getAttribute('activeid');
    if (active) onChange(active.replace(/^tab-/, ''));
  });
  return {
    element: panels,
    select: (id) => panels.setAttribute('activeid', `tab-${id}`),
    badge: (id, text) => {
      const b = badges.get(id);
      if (b) b.textContent = text;
    },
    add,
    remove: (id) => {
      panels.querySelector(`#tab-${CSS.escape(id)}`)?.remove();
      panels.querySelector(`#view-${CSS.escape(id)}`)?.remove();
      badges.delete(id);
    },
    has: (id) => badges.has(id),
  };
}
