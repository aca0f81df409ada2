/**
 * Finds elements the way people and screen readers name them (visible label, aria-label,
 * text), so component tests read like what a user does.
 */
function accessibleName(element: Element): string {
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    return labelledBy
      .split(' ')
      .map((id) => element.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim();
  }
  const label = element.getAttribute('aria-label');
  if (label) return label.trim();
  if (element.id) {
    const forLabel = element.ownerDocument.querySelector(`label[for="${element.id}"]`);
    if (forLabel) return visibleText(forLabel);
  }
  return visibleText(element);
}

/** Text content without what is hidden from assistive technology. */
function visibleText(element: Element): string {
  const clone = element.cloneNode(true) as Element;
  clone.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
  return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function button(root: ParentNode, name: string): HTMLButtonElement {
  return only(root, 'button', name) as HTMLButtonElement;
}

export function queryButton(root: ParentNode, name: string): HTMLButtonElement | undefined {
  return [...root.querySelectorAll('button')].find((candidate) => accessibleName(candidate) === name);
}

/** An input, select or textarea by its label. */
export function field<T extends HTMLElement = HTMLInputElement>(root: ParentNode, label: string): T {
  return only(root, 'input, select, textarea', label) as T;
}

export function heading(root: ParentNode): string | undefined {
  const element = root.querySelector('h1, h2, h3');
  return element ? visibleText(element) : undefined;
}

export function textOf(element: Element | null | undefined): string {
  return element ? visibleText(element) : '';
}

/** Types into a text field as a user would: value, then an input event. */
export function type(input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

function only(root: ParentNode, selector: string, name: string): Element {
  const matches = [...root.querySelectorAll(selector)].filter((candidate) => accessibleName(candidate) === name);
  if (matches.length !== 1) throw new Error(`Expected one ${selector} named "${name}", found ${matches.length}`);
  return matches[0];
}
