/**
 * The run selector: which run the dashboard shows (this window's runs and the workspace's past
 * ones), and which others are drawn over it for comparison (each a removable chip). The host owns
 * the list; a choice is posted and the host answers with a new snapshot.
 */
import type { RunChoice } from '../core/protocol/webview';

export interface RunActions {
  show(id: string): void;
  overlay(id: string, on: boolean): void;
}

const stateText = (r: RunChoice) => (r.state === 'past' ? 'ended' : r.state);

export class RunPicker {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly compare: HTMLSelectElement;
  private readonly chips: HTMLElement;

  constructor(private readonly actions: RunActions) {
    this.element = document.createElement('span');
    this.element.className = 'run-picker';
    this.select = document.createElement('select');
    this.select.id = 'run';
    this.select.title = 'The run the dashboard shows';
    this.select.addEventListener('change', () => actions.show(this.select.value));
    this.compare = document.createElement('select');
    this.compare.id = 'compare';
    this.compare.title = "Draw another run's metrics over this one's";
    this.compare.addEventListener('change', () => {
      if (this.compare.value) actions.overlay(this.compare.value, true);
      this.compare.value = '';
    });
    this.chips = document.createElement('span');
    this.chips.className = 'overlays';
    const label = document.createElement('label');
    label.append('Run', this.select);
    this.element.append(label, this.compare, this.chips);
    this.element.hidden = true;
  }

  set(runs: RunChoice[]): void {
    // one run and nothing to compare it with: no selector
    this.element.hidden = runs.length < 2;
    this.select.replaceChildren(...runs.map((r) => new Option(`${r.label} — ${stateText(r)}`, r.id, false, r.shown)));
    const others = runs.filter((r) => !r.shown && !r.overlaid);
    this.compare.replaceChildren(new Option('Compare with…', '', true, true), ...others.map((r) => new Option(`${r.label} — ${stateText(r)}`, r.id)));
    this.compare.disabled = others.length === 0;
    this.chips.replaceChildren(
      ...runs
        .filter((r) => r.overlaid)
        .map((r) => {
          const chip = document.createElement('button');
          chip.className = 'overlay-chip';
          chip.textContent = `${r.label} ×`;
          chip.title = `Stop drawing ${r.label} over this run`;
          chip.dataset.id = r.id;
          chip.addEventListener('click', () => this.actions.overlay(r.id, false));
          return chip;
        }),
    );
  }
}
