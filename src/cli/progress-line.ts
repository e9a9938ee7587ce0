/** Progress for a terminal: one line rewritten in place on a TTY, a line per change of phase otherwise. */
export function progressLine(write: (s: string) => void, isTty: boolean) {
  let lastPhase = '';
  let lastAt = 0;
  return {
    update(text: string, phase: string) {
      const now = Date.now();
      if (isTty) {
        if (now - lastAt > 100 || phase !== lastPhase) write(`\r\u001b[2K${text}`);
      } else if (phase !== lastPhase) write(`${text}\n`);
      lastPhase = phase;
      lastAt = now;
    },
    done() {
      if (isTty && lastPhase) write('\n');
    },
  };
}
