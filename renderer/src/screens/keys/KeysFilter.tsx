import type { KeyboardEvent, Ref } from 'react';

/**
 * The filter-as-you-type box: integration name, key prefix or masked key (substring), platform or
 * status (exact). Escape clears it (or, when empty, goes to the table); ↓ or Enter goes to the table.
 */
export function KeysFilter({
  ref,
  ...props
}: {
  ref: Ref<HTMLInputElement>;
  value: string;
  onChange: (value: string) => void;
  onLeave: () => void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (props.value !== '') {
        props.onChange('');
      } else {
        props.onLeave();
      }
    } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
      event.preventDefault();
      props.onLeave();
    }
  };
  return (
    <div className="keys-filter">
      <label className="visually-hidden" htmlFor="keys-filter">
        Filter keys
      </label>
      <input
        ref={ref}
        id="keys-filter"
        className="input keys-filter__input"
        type="search"
        maxLength={200}
        autoComplete="off"
        spellCheck={false}
        placeholder="Filter: name, prefix, platform, status"
        aria-keyshortcuts="/ Control+F"
        aria-describedby="keys-filter-hint"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <kbd className="keys-filter__kbd" aria-hidden="true">
        /
      </kbd>
      <span id="keys-filter-hint" className="visually-hidden">
        Press Escape to clear, Down arrow to go to the table.
      </span>
    </div>
  );
}
