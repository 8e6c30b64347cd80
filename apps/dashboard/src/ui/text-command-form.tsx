import { useState, type FormEvent } from 'react';
import type { FieldProblem } from '../forms/field-checks';
import { useSession } from '../session/session-context';
import { OutcomeNote, useCommand } from './command';
import { Field } from './layout';

export interface TextCommandFormProps {
  /** The field's name: where the check's problems and the API's are shown. */
  field: string;
  /** Other names the API may give the same text's problems under. */
  alsoProblems?: readonly string[];
  label: string;
  hint?: string;
  /** A note above the field. */
  note?: string;
  /** A heading: the form stands as a subpanel of its own, labelled by it. */
  title?: { id: string; text: string };
  /** A textarea of so many rows; without it, a single-line input. */
  rows?: number;
  /** An identifier rather than prose: no autocomplete, no spell check. */
  identifier?: boolean;
  /** The text as the form opens. */
  initial?: string;
  /** Check and send the text trimmed. */
  trim?: boolean;
  check(value: string): FieldProblem[];
  /** The route and body of the command. */
  command(value: string): { path: string; body: unknown };
  submitText: string;
  doneText: string | ((value: string) => string);
  testIds: { form: string; field: string; submit: string; result: string };
  /** A button beside the submit one that closes the form. */
  close?: { text: string; onClose(): void };
  /** Empty the field once the command succeeded. */
  clearOnDone?: boolean;
  onDone(value: string): void;
}

/** One text field, one command: the text checked, posted with an idempotency key, the outcome. */
export function TextCommandForm({
  field,
  alsoProblems = [],
  label,
  hint,
  note,
  title,
  rows,
  identifier = false,
  initial = '',
  trim = false,
  check,
  command,
  submitText,
  doneText,
  testIds,
  close,
  clearOnDone = false,
  onDone,
}: TextCommandFormProps) {
  const { api } = useSession();
  const cmd = useCommand();
  const [text, setText] = useState(initial);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = trim ? text.trim() : text;
    if (!cmd.checked(check(value))) return;
    const { path, body } = command(value);
    const ok = await cmd.run(
      (key) => api.post(path, body, { idempotencyKey: key }),
      typeof doneText === 'string' ? doneText : doneText(value),
    );
    if (ok) {
      onDone(value);
      if (clearOnDone) setText('');
    }
  };
  const bound = {
    value: text,
    onChange: (e: { target: { value: string } }) => {
      setText(e.target.value);
      cmd.touched();
    },
    ...(identifier ? { autoComplete: 'off', spellCheck: false } : {}),
    'data-testid': testIds.field,
  };
  const submitButton = (
    <button type="submit" className="primary" disabled={cmd.busy} data-testid={testIds.submit}>
      {submitText}
    </button>
  );
  return (
    <form
      className={title ? 'subpanel' : 'vote-form'}
      onSubmit={submit}
      noValidate
      aria-labelledby={title?.id}
      data-testid={testIds.form}
    >
      {title ? <h3 id={title.id}>{title.text}</h3> : null}
      {note ? <p className="note">{note}</p> : null}
      <Field
        label={label}
        problems={[field, ...alsoProblems].flatMap((f) => cmd.problems[f] ?? [])}
        hint={hint}
      >
        {(p) => (rows ? <textarea {...p} rows={rows} {...bound} /> : <input {...p} {...bound} />)}
      </Field>
      {close ? (
        <div className="form-actions">
          {submitButton}
          <button type="button" onClick={close.onClose}>
            {close.text}
          </button>
        </div>
      ) : (
        submitButton
      )}
      <OutcomeNote outcome={cmd.outcome} testId={testIds.result} />
    </form>
  );
}
