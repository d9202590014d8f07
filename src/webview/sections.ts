/**
 * Charts grouped into collapsible sections by their metrics' prefix (`train/`, `val/`, `eval_`,
 * `gpu0/`), as W&B does, each sorted by title so the order survives a reload. A collapsed section's
 * charts are not drawn. With one section there are no headers.
 */

/** The section of a chart, from its group id and title; '' is the general one, listed first. */
export function sectionOf(groupId: string, title: string): string {
  if (groupId.startsWith('gpu-')) return 'gpu';
  if (!groupId.startsWith('metric:')) return ''; // the loss, accuracy, learning-rate, gradient-norm families
  const name = title.toLowerCase();
  const slash = name.indexOf('/');
  if (slash > 0) return name.slice(0, slash).replace(/^gpu\d+$/, 'gpu');
  const m = /^(train|training|val|valid|validation|eval|test)[_.-]/.exec(name);
  return m ? m[1] : '';
}

/** Family charts first, in the order people read a training; then by title. */
const FAMILY = ['loss', 'accuracy', 'lr', 'grad_norm'];
type Placed = { id: string; title: string; axis?: string; element: HTMLElement };
export function chartOrder(a: Omit<Placed, 'element'>, b: Omit<Placed, 'element'>): number {
  const fa = FAMILY.indexOf(a.id);
  const fb = FAMILY.indexOf(b.id);
  if (fa !== fb) return fa < 0 ? 1 : fb < 0 ? -1 : fa - fb;
  // a metric's chart by step before the same metric's by epoch
  return a.title.localeCompare(b.title) || Number(a.axis !== 'step') - Number(b.axis !== 'step');
}

interface Section {
  element: HTMLElement;
  toggle: HTMLButtonElement;
  grid: HTMLElement;
  charts: Placed[];
}

export class Sections {
  readonly element: HTMLElement;
  private readonly sections = new Map<string, Section>();
  private collapsed = new Set<string>();

  constructor(private readonly toggled: (name: string, collapsed: boolean) => void) {
    this.element = document.createElement('div');
    this.element.className = 'sections';
  }

  setCollapsed(names: string[]): void {
    this.collapsed = new Set(names);
    for (const [name, s] of this.sections) this.show(name, s);
  }

  isCollapsed(name: string): boolean {
    return this.collapsed.has(name) && this.sections.size > 1;
  }

  /** Puts a chart's element in its section, in order. */
  place(chart: Placed, name: string): void {
    const s = this.sectionNamed(name);
    const at = s.charts.findIndex((c) => chartOrder(chart, c) < 0);
    if (at < 0) {
      s.charts.push(chart);
      s.grid.append(chart.element);
    } else {
      s.grid.insertBefore(chart.element, s.charts[at].element);
      s.charts.splice(at, 0, chart);
    }
    this.label(name, s);
  }

  remove(element: HTMLElement): void {
    for (const [name, s] of this.sections) {
      const i = s.charts.findIndex((c) => c.element === element);
      if (i < 0) continue;
      s.charts.splice(i, 1);
      element.remove();
      if (!s.charts.length) {
        s.element.remove();
        this.sections.delete(name);
      } else this.label(name, s);
    }
    this.headers();
  }

  private sectionNamed(name: string): Section {
    let s = this.sections.get(name);
    if (s) return s;
    const element = document.createElement('section');
    element.className = 'metric-section';
    element.dataset.section = name;
    const toggle = document.createElement('button');
    toggle.className = 'section-toggle';
    const grid = document.createElement('div');
    grid.className = 'charts';
    grid.id = `section-${name || 'general'}`;
    toggle.setAttribute('aria-controls', grid.id);
    toggle.addEventListener('click', () => {
      const now = !this.collapsed.has(name);
      if (now) this.collapsed.add(name);
      else this.collapsed.delete(name);
      this.show(name, s!);
      this.toggled(name, now);
    });
    element.append(toggle, grid);
    s = { element, toggle, grid, charts: [] };
    // the general section first, the others by name
    const after = [...this.sections.keys()].filter((k) => k !== '' && (name === '' || k > name)).sort()[0];
    const before = after === undefined ? null : this.sections.get(after)!.element;
    this.element.insertBefore(element, before);
    this.sections.set(name, s);
    this.show(name, s);
    this.headers();
    return s;
  }

  private label(name: string, s: Section): void {
    s.toggle.textContent = `${name || 'Metrics'} (${s.charts.length})`;
  }

  private show(name: string, s: Section): void {
    const collapsed = this.isCollapsed(name);
    s.toggle.setAttribute('aria-expanded', String(!collapsed));
    s.toggle.title = collapsed ? `Show the ${name || 'general'} charts` : `Hide the ${name || 'general'} charts`;
    s.grid.hidden = collapsed;
  }

  /** Headers only when there is more than one section. */
  private headers(): void {
    const many = this.sections.size > 1;
    for (const [name, s] of this.sections) {
      s.toggle.hidden = !many;
      this.show(name, s);
    }
  }
}
