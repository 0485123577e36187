import { useId } from 'react';
import type { AclCheck } from './integration-form.ts';

/**
 * The IP allow list: one IPv4 or IPv6 address or network per line, checked as you type. Each bad
 * line is listed with its number and why (and, when host bits are set, a one-click fix to the
 * network it probably meant); a valid list shows the canonical form the vault will store.
 */
export function CidrListField(props: {
  value: string;
  check: AclCheck;
  /** Show problems (once the field was edited, or on submit). */
  showProblems: boolean;
  onChange: (value: string) => void;
  onBlur?: () => void;
}) {
  const id = useId();
  const hintId = useId();
  const problemsId = useId();
  const { check } = props;
  const problems = props.showProblems ? check.problems : [];
  const invalid = problems.length > 0;

  const applySuggestion = (line: number, suggestion: string) => {
    const lines = props.value.split('\n');
    lines[line - 1] = suggestion;
    props.onChange(lines.join('\n'));
  };

  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        IP allow list
      </label>
      <textarea
        id={id}
        className="textarea mono acl-input"
        rows={4}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder={'203.0.113.0/24\n2001:db8::/32'}
        value={props.value}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${hintId} ${problemsId}` : hintId}
        onChange={(event) => props.onChange(event.target.value)}
        onBlur={props.onBlur}
      />
      <div id={hintId} className="field__hint">
        One IPv4 or IPv6 address or network (CIDR) per line. Empty: any address may use the keys.
      </div>
      <div id={problemsId} aria-live="polite">
        {invalid && (
          <ul className="acl-problems">
            {problems.map((problem) => (
              <li key={problem.line} className="acl-problems__item">
                <span className="field__error">
                  Line {problem.line} <code>{problem.entry}</code>: {problem.message}
                </span>
                {problem.suggestion !== null && (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => applySuggestion(problem.line, problem.suggestion ?? '')}
                  >
                    Use {problem.suggestion}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      {check.problems.length === 0 && check.entries.length > 0 && (
        <div className="field__hint">
          Saved as <span className="mono">{check.entries.join(', ')}</span>
        </div>
      )}
    </div>
  );
}
