/** The open CDK dialog whose heading is `title` (dialogs render in the overlay, outside the fixture). */
export function dialogTitled(title: string): HTMLElement {
  const dialog = [...document.querySelectorAll<HTMLElement>('[role="dialog"]')].find(
    (candidate) => document.getElementById(candidate.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() === title,
  );
  if (!dialog) throw new Error(`No open dialog titled "${title}"`);
  return dialog;
}

export function openDialogTitles(): string[] {
  return [...document.querySelectorAll('[role="dialog"]')].map(
    (dialog) => document.getElementById(dialog.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() ?? '',
  );
}
