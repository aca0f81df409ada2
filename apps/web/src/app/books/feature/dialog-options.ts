import type { DialogConfig } from '@angular/cdk/dialog';
import type { Injector } from '@angular/core';

/**
 * What every dialog shares: labelled by its heading, modal for assistive technology, and
 * sized to fit a phone. Pass the opener's injector when the dialog needs page services.
 */
export function dialogOptions<D, R>(titleId: string, data: D, injector?: Injector): DialogConfig<D, R> {
  return {
    data,
    injector,
    ariaLabelledBy: titleId,
    ariaModal: true,
    panelClass: 'dialog-panel',
    width: '34rem',
    maxWidth: 'calc(100vw - 1.5rem)',
    maxHeight: 'calc(100dvh - 1.5rem)',
  };
}
