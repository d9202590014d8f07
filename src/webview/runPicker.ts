/**
 * The run selector: which run the dashboard shows (this window's runs and the workspace's past
 * ones), and which others are drawn over it for comparison (each a removable chip in its run's
 * colour). The host owns the list; a choice is posted and the host answers with a new snapshot.
 * A run can be renamed here: the name is the user's, kept with the webview's UI state.
 */
import type { RunChoice } from '../core/protocol/webview';
import { runName, runTag, runText } from './runLabels';

export interface RunActions {
  show(id: string): void;
  overlay(id: string, on: boolean): void;
  /** The user named run `id` (an empty name: back to the host's). */
  rename(id: string, name: string): void;
}

export class RunPicker {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly compare: HTMLSelectElement;
  private readonly chips: HTMLElement;
  private readonly renameButton: HTMLButtonElement;
  private readonly nameInput: HTMLInputElement;
  private runs: RunChoice[] = [];
  private names: Record<string, string> = {};
  private colors: (id: string) => string | undefined = () => undefined;

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
    this.renameButton = document.createElement('button');
    this.renameButton.id = 'rename-run';
    this.renameButton.className = 'rename-run';
    this.renameButton.textContent = 'Rename';
    this.renameButton.title = 'Give the run shown a name of your own';
    this.renameButton.addEventListener('click', () => this.startRename());
    this.nameInput = document.createElement('input');
    this.nameInput.id = 'run-name';
    this.nameInput.type = 'text';
    this.nameInput.hidden = true;
    this.nameInput.setAttribute('aria-label', 'Run name (Enter to keep, Escape to cancel, empty for the original)');
    this.nameInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.endRename(true);
      else if (e.key === 'Escape') this.endRename(false);
    });
    this.nameInput.addEventListener('blur', () => this.endRename(true));
    this.chips = document.createElement('span');
    this.chips.className = 'overlays';
    const label = document.createElement('label');
    label.append('Run', this.select);
    this.element.append(label, this.nameInput, this.renameButton, this.compare, this.chips);
    this.element.hidden = true;
  }

  /** The names the user gave, and each run's colour while compared (for its chip). */
  setLook(names: Record<string, string>, colors: (id: string) => string | undefined): void {
    this.names = names;
    this.colors = colors;
    this.render();
  }

  set(runs: RunChoice[]): void {
    this.runs = runs;
    this.render();
  }

  private render(): void {
    const runs = this.runs;
    // one run and nothing to compare it with: no selector
    this.element.hidden = runs.length < 2;
    const text = (r: RunChoice) => runText(r, this.names);
    this.select.replaceChildren(...runs.map((r) => new Option(text(r), r.id, false, r.shown)));
    const others = runs.filter((r) => !r.shown && !r.overlaid);
    this.compare.replaceChildren(new Option('Compare with…', '', true, true), ...others.map((r) => new Option(text(r), r.id)));
    this.compare.disabled = others.length === 0;
    this.chips.replaceChildren(
      ...runs
        .filter((r) => r.overlaid)
        .map((r) => {
          const chip = document.createElement('button');
          chip.className = 'overlay-chip';
          chip.textContent = `${runTag(r, this.names)} ×`;
          chip.title = `Stop drawing ${text(r)} over this run`;
          chip.dataset.id = r.id;
          const color = this.colors(r.id);
          if (color) chip.style.borderLeftColor = color;
          chip.addEventListener('click', () => this.actions.overlay(r.id, false));
          return chip;
        }),
    );
  }

  private startRename(): void {
    const shown = this.runs.find((r) => r.shown);
    if (!shown) return;
    this.nameInput.value = runName(shown, this.names);
    this.nameInput.dataset.id = shown.id;
    this.nameInput.hidden = false;
    this.renameButton.hidden = true;
    this.nameInput.focus();
    this.nameInput.select();
  }

  private endRename(keep: boolean): void {
    if (this.nameInput.hidden) return;
    this.nameInput.hidden = true;
    this.renameButton.hidden = false;
    const id = this.nameInput.dataset.id!;
    if (keep) this.actions.rename(id, this.nameInput.value.trim());
    this.renameButton.focus();
  }
}
