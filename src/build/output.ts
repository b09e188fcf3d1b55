/** Build output in Heroku's shape: `-----> ` starts a step, a tool's own lines are indented by 7 spaces. */

export type OutputFn = (line: string) => void;

export function topic(text: string): string {
  return `-----> ${text}`;
}

export function indent(text: string): string {
  return `       ${text}`;
}

export function warning(text: string): string {
  return ` !     ${text}`;
}

/** Cuts a byte stream into lines as they arrive; `end` flushes a last line without a newline. */
export function lineSplitter(onLine: (line: string) => void): { write(chunk: Buffer | string): void; end(): void } {
  const decoder = new TextDecoder();
  let pending = '';
  const emit = (text: string): void => {
    // Progress bars rewrite one line with \r: keep what the line finally showed.
    const shown = text.split('\r').filter((part) => part !== '').pop() ?? '';
    onLine(shown.trimEnd());
  };
  return {
    write(chunk) {
      pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        emit(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    },
    end() {
      pending += decoder.decode();
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}
