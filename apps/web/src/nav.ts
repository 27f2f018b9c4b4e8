/** Hash routes: `#/<screen>/<item>`. */
export function navigate(screen: 'chat' | 'agents' | 'research' | 'tools' | 'tasks', item?: string): void {
  location.hash = `#/${screen}${item ? `/${encodeURIComponent(item)}` : ''}`;
}
