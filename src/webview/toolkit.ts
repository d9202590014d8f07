/**
 * The only module that touches `@vscode/webview-ui-toolkit` (deprecated upstream, archived): moving
 * to `@vscode-elements/elements` means changing this file alone.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
} from '@vscode/webview-ui-toolkit';

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

/** Tabs with a panel each; returns the container and a way to select a tab. */
export function tabs(items: Tab[], onChange: (id: string) => void): { element: HTMLElement; select(id: string): void; badge(id: string, text: string): void } {
  const panels = document.createElement('vscode-panels');
  const badges = new Map<string, HTMLElement>();
  for (const t of items) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${t.id}`;
    tab.append(t.label);
    const badge = document.createElement('span');
    badge.className = 'tab-badge';
    tab.append(badge);
    badges.set(t.id, badge);
    panels.append(tab);
  }
  for (const t of items) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${t.id}`;
    view.append(t.content);
    panels.append(view);
  }
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
  };
}
