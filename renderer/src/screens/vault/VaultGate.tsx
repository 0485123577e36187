import type { ReactNode } from 'react';

/** The centred card the create and unlock screens share. */
export function VaultCard(props: { title: string; lead: ReactNode; children: ReactNode }) {
  return (
    <main className="gate">
      <section className="gate__card" aria-labelledby="gate-title">
        <img className="gate__mark" src="./keyward-mark.svg" alt="" width={48} height={48} />
        <h1 id="gate-title" className="gate__title">
          {props.title}
        </h1>
        <p className="gate__lead">{props.lead}</p>
        {props.children}
      </section>
    </main>
  );
}
