import { useEffect, useState } from 'react';
import type { ApiKeyView } from '../../../../shared/domain/api-key.ts';
import type { Integration } from '../../../../shared/domain/integration.ts';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';

/** An integration with all its keys (masked, newest first). */
export interface IntegrationDetailsData {
  integration: Integration;
  keys: ApiKeyView[];
}

/**
 * Loads an integration and its keys; loads again whenever `reloadToken` changes (after a mutation)
 * or the id changes, keeping what is shown until the new answer arrives (check
 * `data.integration.id` to tell a previous integration's data from the one asked for).
 */
export function useIntegrationDetails(
  integrationId: string,
  reloadToken: number,
): { data: IntegrationDetailsData | null; error: string | null; retry: () => void } {
  const [data, setData] = useState<IntegrationDetailsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([call('integrations.get', { integrationId }), call('keys.list', { integrationId })]).then(
      ([integration, keys]) => {
        if (live) {
          setData({ integration, keys });
          setError(null);
        }
      },
      (caught: unknown) => {
        if (live) {
          setError(errorMessage(caught));
        }
      },
    );
    return () => {
      live = false;
    };
  }, [integrationId, reloadToken, attempt]);

  return { data, error, retry: () => setAttempt((value) => value + 1) };
}
