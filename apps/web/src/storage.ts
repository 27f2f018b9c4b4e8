/** JSON values in this browser's localStorage; a missing, unreadable or unavailable store reads as the default. */

export function loadJson<T>(key: string, dflt: T): T {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T | null) ?? dflt;
  } catch {
    return dflt;
  }
}

export function saveJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage unavailable */
  }
}
