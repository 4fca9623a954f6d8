/**
 * The README's runnable examples: every line of a fenced block whose info string is
 * `bash readme-check` (or `sh readme-check`), with what its trailing comment promises. The
 * comment stays prose for the reader; these parts of it are read as checks:
 * - a leading status (`# 202 + Location`): the HTTP status a curl gets;
 * - text in backticks: text the answer (or the command's output) contains;
 * - `+ Location`: the answer carries a Location, which a later `<Location>` stands for;
 * - `repeat until`: the request is repeated until the answer is as documented (a run finishing);
 * - `saves *.ext`: a file matching that name is written into the working folder.
 * `npm start` lines are the stack the spec starts itself.
 */
export interface ReadmeCommand {
  /** 1-based line of the README where the command starts. */
  line: number;
  kind: 'stack' | 'assign' | 'curl' | 'shell';
  /** The command as written (continuations joined), without its comment. */
  command: string;
  /** For `assign`: the variable set from the command's output. */
  variable?: string;
  comment: string;
  expect: { status?: number; contains: string[]; location: boolean; repeat: boolean; saves?: string };
}

const fence = /^```(?:bash|sh) readme-check\s*$/;

/** Splits off a trailing ` # comment` that is not inside quotes. */
function splitComment(text: string): [string, string] {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) return [text.slice(0, i).trimEnd(), text.slice(i + 1).trim()];
  }
  return [text.trimEnd(), ''];
}

export function expectationsOf(comment: string): ReadmeCommand['expect'] {
  return {
    status: /^[1-5]\d\d\b/.test(comment) ? Number(comment.slice(0, 3)) : undefined,
    contains: [...comment.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    location: /\+ Location\b/.test(comment),
    repeat: /\brepeat until\b/.test(comment),
    saves: /\bsaves (\S+)/.exec(comment)?.[1],
  };
}

function kindOf(command: string): Pick<ReadmeCommand, 'kind' | 'variable'> {
  if (/^npm start\b/.test(command)) return { kind: 'stack' };
  const assign = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=\$\((.*)\)$/.exec(command);
  if (assign) return { kind: 'assign', variable: assign[1] };
  if (/^curl\s/.test(command)) return { kind: 'curl' };
  return { kind: 'shell' };
}

export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const commands: ReadmeCommand[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (!inBlock) {
      inBlock = fence.test(raw);
      continue;
    }
    if (raw.startsWith('```')) {
      inBlock = false;
      continue;
    }
    if (!raw.trim()) continue;
    const [code, comment] = splitComment(raw.trim());
    const previous = commands.at(-1);
    // A line that is only a comment goes on describing the command above it.
    if (!code) {
      if (previous) {
        previous.comment = `${previous.comment} ${comment}`.trim();
        const more = expectationsOf(comment);
        previous.expect.contains.push(...more.contains);
      }
      continue;
    }
    const start = i + 1;
    let command = code;
    let lastComment = comment;
    while (command.endsWith('\\') && i + 1 < lines.length) {
      const [next, nextComment] = splitComment(lines[++i].trim());
      command = `${command.slice(0, -1).trimEnd()} ${next}`;
      lastComment = nextComment || lastComment;
    }
    commands.push({ line: start, command, comment: lastComment, expect: expectationsOf(lastComment), ...kindOf(command) });
  }
  return commands;
}
