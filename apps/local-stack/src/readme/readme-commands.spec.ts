import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeCommands } from './readme-commands';

describe('readmeCommands', () => {
  const markdown = [
    'Some prose with `curl localhost:3000` that is not run.',
    '```bash',
    'npm test   # not a checked block',
    '```',
    '```bash readme-check',
    'npm start                                  # gateway on :3000',
    'TOKEN=$(npm run -s token -- --role analyst)   # dev issuer, 8 h',
    'curl -H "Authorization: Bearer $TOKEN" -H \'x: a # b\' \\',
    '     -d \'{"periodId":"p"}\' localhost:3000/v1/runs   # 202 + Location',
    'curl localhost:3000<Location>   # 200, `"status":"succeeded"`: repeat until it says so',
    'curl -OJ localhost:3000<Location>/artifacts/a.xlsx   # 200, saves *.xlsx',
    'npm run leaf -- clients list   # `northfield-tech-py2025`',
    '#   then `more text` on its own line',
    '```',
  ].join('\n');

  it('takes only the readme-check blocks, joins continuations and reads each comment’s checks', () => {
    const commands = readmeCommands(markdown);
    expect(commands.map((c) => [c.line, c.kind])).toEqual([
      [6, 'stack'],
      [7, 'assign'],
      [8, 'curl'],
      [10, 'curl'],
      [11, 'curl'],
      [12, 'shell'],
    ]);
    expect(commands[1]).toMatchObject({ variable: 'TOKEN', expect: { status: undefined, contains: [] } });
    expect(commands[2].command).toBe('curl -H "Authorization: Bearer $TOKEN" -H \'x: a # b\' -d \'{"periodId":"p"}\' localhost:3000/v1/runs');
    expect(commands[2].expect).toEqual({ status: 202, contains: [], location: true, repeat: false, saves: undefined });
    expect(commands[3].expect).toMatchObject({ status: 200, contains: ['"status":"succeeded"'], repeat: true });
    expect(commands[4].expect.saves).toBe('*.xlsx');
    expect(commands[5].expect.contains).toEqual(['northfield-tech-py2025', 'more text']);
  });

  it('finds checked blocks in the repository README', () => {
    const commands = readmeCommands(readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8'));
    expect(commands.filter((c) => c.kind === 'curl').length).toBeGreaterThanOrEqual(4);
    expect(commands.some((c) => c.expect.location)).toBe(true);
  });
});
