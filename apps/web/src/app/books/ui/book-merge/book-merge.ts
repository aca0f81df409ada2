import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';

/** A field both people changed differently, as people read its values. */
export interface MergeQuestion {
  readonly field: string;
  readonly label: string;
  /** The value when this user started editing. */
  readonly base: string;
  readonly theirs: string;
  readonly mine: string;
}

/** A field that merged by itself, and whose value it kept. */
export interface MergedField {
  readonly label: string;
  readonly value: string;
  readonly from: 'theirs' | 'mine' | 'both';
}

export type MergeAnswers = Readonly<Record<string, 'theirs' | 'mine'>>;

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Someone else saved the book while this user edited it: what merged by itself, and one radio
 * group per field both changed, to choose their value or this user's. Every question needs an
 * answer before `confirm`; `back` leaves everything as it was.
 */
@Component({
  selector: 'app-book-merge',
  templateUrl: './book-merge.html',
  styleUrl: './book-merge.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'book-merge' },
})
export class BookMerge {
  readonly questions = input.required<readonly MergeQuestion[]>();
  readonly merged = input.required<readonly MergedField[]>();
  /** When their version was saved (ISO 8601). */
  readonly savedAt = input.required<string>();
  /** The id of the heading, which names the dialog. */
  readonly titleId = input.required<string>();
  /** "Save", or what else confirming does. */
  readonly confirmLabel = input('Save');
  /** The save this merge leads to is under way. */
  readonly busy = input(false);

  readonly confirm = output<MergeAnswers>();
  readonly back = output<void>();

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly answers = linkedSignal<readonly MergeQuestion[], MergeAnswers>({
    source: this.questions,
    computation: () => ({}),
  });
  /** Shown once the user tried to confirm with questions left. */
  protected readonly tried = signal(false);
  protected readonly unanswered = computed(() => this.questions().filter((question) => !this.answers()[question.field]));
  protected readonly missing = computed(() =>
    this.tried() && this.unanswered().length > 0 ? `Choose a value for ${listOf(this.unanswered().map((q) => q.label))}.` : '',
  );
  protected readonly savedAtText = computed(() => WHEN.format(new Date(this.savedAt())));

  constructor() {
    // The dialog's content was replaced: start the reader at its new heading.
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('h2')?.focus());
  }

  protected answer(field: string, choice: 'theirs' | 'mine'): void {
    this.answers.update((answers) => ({ ...answers, [field]: choice }));
  }

  protected submit(): void {
    const [first] = this.unanswered();
    if (!first) {
      this.confirm.emit(this.answers());
      return;
    }
    this.tried.set(true);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(`#merge-${first.field}-theirs`)?.focus(), {
      injector: this.injector,
    });
  }
}

/** "Title", "Title and Author", "Title, Author and Year". */
export function listOf(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
