/** twelve's extension to app.json: a `format` per env entry, checked without ever echoing the value. */

export type Format = 'url' | 'port' | 'int' | 'bool' | 'email' | 'enum';

export const FORMATS: readonly Format[] = ['url', 'port', 'int', 'bool', 'email', 'enum'];

const BOOLS = new Set(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']);

/** Why `value` does not fit, in words that never include the value (it may be a secret); null when it fits. */
export function formatProblem(format: Format, value: string, values: readonly string[] = []): string | null {
  switch (format) {
    case 'url': {
      try {
        const url = new URL(value);
        return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) && (url.host !== '' || url.pathname !== '') ? null : 'is not an absolute URL';
      } catch {
        return 'is not an absolute URL (scheme://host/...)';
      }
    }
    case 'port': return /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535 ? null : 'is not a port number (1-65535)';
    case 'int': return /^-?\d+$/.test(value) ? null : 'is not a whole number';
    case 'bool': return BOOLS.has(value.toLowerCase()) ? null : 'is not a boolean (true/false, 1/0, yes/no, on/off)';
    case 'email': return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'is not an email address';
    case 'enum': return values.includes(value) ? null : `is not one of ${values.join(', ')}`;
  }
}
