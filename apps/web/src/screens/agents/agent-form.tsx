/**
 * Create an agent, or edit one (saved as its next version): a form of its
 * fields or a JSON editor of the whole definition. The gateway validates; its
 * 400s show next to the field they name (./agent-form-model).
 */
import { useState } from 'preact/hooks';
import type { AgentRecord } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { ApiCallError, messageOf } from '../../api';
import { ErrorText } from '../../components/error-text';
import { agentsApi } from './agents-api';
import { bodyOf, draftOf, draftOfJson, emptyDraft, fieldErrors, jsonOf, type AgentDraft, type Field, type FieldErrors } from './agent-form-model';

interface FieldSpec {
  field: Field;
  label: string;
  hint?: string;
  rows?: number;
  /** A number (typed as text: the gateway's message says what is wrong with it). */
  numeric?: boolean;
}

const SPECS: FieldSpec[] = [
  { field: 'name', label: 'Name', hint: 'a slug: lowercase letters, digits and "-"' },
  { field: 'description', label: 'Description', hint: 'shown to agents that hand off or delegate to it', rows: 2 },
  { field: 'instructions', label: 'Instructions', hint: 'the system prompt', rows: 6 },
  { field: 'model', label: 'Model', hint: 'empty: the deployment default; "smart, cheap": aliases tried in order (fallbacks)' },
  { field: 'temperature', label: 'Temperature', numeric: true },
  { field: 'tools', label: 'Tools', hint: 'names and globs, comma-separated (calculator, pinboard__*)' },
  { field: 'maxToolRounds', label: 'Max tool rounds', numeric: true },
  { field: 'handoffs', label: 'Handoffs', hint: 'agents it may transfer the conversation to (transfer_to_<name>)' },
  { field: 'delegates', label: 'Delegates', hint: 'agents it may ask as tools (ask_<name>)' },
  { field: 'outputSchema', label: 'Output schema', hint: 'optional JSON Schema of a structured final answer ("type": "object")', rows: 4 },
];

export function AgentForm({ client, existing, onSaved, onCancel }: { client: HubClient; existing?: AgentRecord; onSaved: (r: AgentRecord) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<AgentDraft>(() => (existing ? draftOf(existing) : emptyDraft()));
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [json, setJson] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (f: Field, v: string) => setDraft((d) => ({ ...d, [f]: v }));

  const switchTo = (next: 'form' | 'json') => {
    if (next === mode) return;
    if (next === 'json') setJson(jsonOf(draft));
    else {
      const r = draftOfJson(json);
      if (!r.ok) return setErrors({ form: [r.error] });
      setDraft(r.draft);
    }
    setErrors({});
    setMode(next);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    let body: Record<string, unknown>;
    if (mode === 'json') {
      try {
        body = JSON.parse(json) as Record<string, unknown>;
      } catch (err) {
        return setErrors({ form: [`not valid JSON: ${messageOf(err)}`] });
      }
    } else {
      const r = bodyOf(draft);
      if (!r.ok) return setErrors(r.errors);
      body = { ...r.body };
    }
    setBusy(true);
    try {
      const saved = existing ? await agentsApi.update(client, existing.name, body) : await agentsApi.create(client, body);
      setErrors({});
      onSaved(saved);
    } catch (err) {
      setErrors(err instanceof ApiCallError && err.status === 400 ? fieldErrors(err) : { form: [messageOf(err)] });
    } finally {
      setBusy(false);
    }
  };

  const title = existing ? `Edit ${existing.name} (saves version ${existing.version + 1})` : 'New agent';
  const fieldMessages = Object.entries(errors).filter(([k]) => k !== 'form');
  return (
    <form class="stack agent-form" onSubmit={submit} aria-label={title} noValidate>
      <div class="row header">
        <h2>{title}</h2>
        <div class="row" role="group" aria-label="Editor">
          <button type="button" class={mode === 'form' ? '' : 'secondary'} aria-pressed={mode === 'form'} onClick={() => switchTo('form')}>
            Form
          </button>
          <button type="button" class={mode === 'json' ? '' : 'secondary'} aria-pressed={mode === 'json'} onClick={() => switchTo('json')}>
            JSON
          </button>
        </div>
      </div>
      {mode === 'form' ? (
        SPECS.map((s) => <FieldInput key={s.field} spec={s} value={draft[s.field]} onInput={(v) => set(s.field, v)} errors={errors[s.field]} readOnly={s.field === 'name' && !!existing} />)
      ) : (
        <>
          <label for="agent-json">Definition (JSON)</label>
          <textarea id="agent-json" class="mono" rows={18} value={json} onInput={(e) => setJson(e.currentTarget.value)} aria-describedby="agent-json-errors" />
          <ul id="agent-json-errors" class="field-errors" aria-live="polite">
            {fieldMessages.flatMap(([k, msgs]) =>
              (msgs ?? []).map((m, i) => (
                <li key={`${k}${i}`} class="error" data-field={k}>
                  <strong>{k}</strong>: {m}
                </li>
              )),
            )}
          </ul>
        </>
      )}
      {(errors.form ?? []).map((m, i) => (
        <ErrorText key={i} error={m} />
      ))}
      <div class="row">
        <button type="submit" disabled={busy}>
          {existing ? 'Save new version' : 'Create agent'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function FieldInput({ spec, value, onInput, errors, readOnly }: { spec: FieldSpec; value: string; onInput: (v: string) => void; errors: string[] | undefined; readOnly: boolean }) {
  const id = `agent-${spec.field}`;
  const described = [spec.hint ? `${id}-hint` : '', errors?.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    readOnly,
    'aria-invalid': errors?.length ? true : undefined,
    'aria-describedby': described,
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  };
  return (
    <div class={`field ${errors?.length ? 'invalid' : ''}`} data-field={spec.field}>
      <label for={id}>{spec.label}</label>
      {spec.rows ? <textarea {...common} rows={spec.rows} class={spec.field === 'outputSchema' ? 'mono' : undefined} /> : <input {...common} type="text" inputMode={spec.numeric ? 'decimal' : undefined} />}
      {spec.hint && (
        <span id={`${id}-hint`} class="small muted">
          {spec.hint}
        </span>
      )}
      {errors?.length ? (
        <span id={`${id}-error`} class="error small field-error" role="alert">
          {errors.join('; ')}
        </span>
      ) : null}
    </div>
  );
}
