/**
 * The `bench` program and the one place its parse errors become user errors. commander would print its
 * own "error: …" line and exit 1 (nothing on stdout under --json); instead every command, sub-commands
 * included, throws through `exitOverride`, and the error is reported like any other user mistake:
 * exit code 2, the option named, a fix, and one JSON error document on stdout under --json.
 */
import { Command, CommanderError, type Option } from 'commander';
import { BenchError, isBenchError } from '../errors.js';
import { suggestion } from '../util/did-you-mean.js';
import { reportUserError, USER_ERROR_EXIT } from './output.js';
import { registerCommands } from './commands/index.js';

/** commander's exit codes that are not errors: help and version output. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** The real root: the latency job's options on `bench` itself, each sub-command with its own. */
export function createProgram(register: (program: Command) => void = registerCommands): Command {
  const program = new Command('bench')
    .description('Benchmark and evaluate facial emotion recognition models (HSEmotion, EMO-AffectNet, face-api) on image corpora.')
    .showSuggestionAfterError(true)
    // The root command (latency) has its own options; sub-commands must get theirs even when the names clash (--out, --json).
    .enablePositionalOptions();
  register(program);
  applyErrorContract(program);
  return program;
}

/** Every command in the tree throws its parse errors (tagged with itself) and prints none of them. */
export function applyErrorContract(cmd: Command): void {
  cmd.configureOutput({ outputError: () => {} });
  cmd.exitOverride((err) => {
    throw Object.assign(err, { command: cmd });
  });
  for (const sub of cmd.commands) applyErrorContract(sub);
}

/** `bench eval`, `bench` for the root. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function findOption(cmd: Command, flag: string): Option | undefined {
  return cmd.options.find((o) => o.long === flag || o.short === flag || o.flags === flag);
}

/** How to write an option: `--batch <n> (items per engine call)`, or its choices when it has any. */
function optionUsage(opt: Option | undefined, flag: string): string {
  if (!opt) return flag;
  const arg = opt.flags.match(/[<[][^>\]]+[>\]]/)?.[0] ?? '';
  const what = opt.argChoices ? `one of ${opt.argChoices.join(', ')}` : opt.description;
  return `${opt.long ?? flag}${arg ? ` ${arg}` : ''} (${what})`;
}

/** A commander parse error as a BenchError: what was wrong, with the option named, and what to type instead. */
export function usageError(err: CommanderError, argv: readonly string[] = []): BenchError {
  const cmd = (err as CommanderError & { command?: Command }).command;
  const path = cmd ? commandPath(cmd) : 'bench';
  const help = `\`${path} --help\` lists every option with examples`;
  const message = err.message.replace(/^error: /, '');
  let fix = help;
  let m: RegExpMatchArray | null;
  if ((m = message.match(/^option '([^']+)' argument '([^']*)' is invalid\. (.*)$/s))) {
    const opt = cmd ? cmd.options.find((o) => o.flags === m![1]) : undefined;
    const name = opt?.long ?? m[1];
    return new BenchError('BAD_OPTION', `${name} "${m[2]}": ${m[3].replace(/^Allowed choices are (.*)\.$/, 'allowed: $1')}`, {
      fix: `write ${optionUsage(opt, name)}; ${help}`,
      cause: err,
    });
  }
  if ((m = message.match(/^command-argument value '([^']*)' is invalid for argument '([^']+)'\. (.*)$/s))) {
    return new BenchError('BAD_OPTION', `<${m[2]}> "${m[1]}": ${m[3]}`, { fix: help, cause: err });
  }
  if ((m = message.match(/^required option '([^']+)' not specified/))) {
    const opt = cmd ? cmd.options.find((o) => o.flags === m![1]) : undefined;
    const name = opt?.long ?? m[1];
    fix = `add ${optionUsage(opt, name)}; ${help}`;
  } else if ((m = message.match(/^option '([^']+)' argument missing/))) {
    const flag = m[1].split(/[ ,]+/).find((f) => f.startsWith('--')) ?? m[1];
    const opt = cmd ? findOption(cmd, flag) : undefined;
    fix = `write ${optionUsage(opt, flag)}; ${help}`;
  } else if (err.code === 'commander.excessArguments' && cmd && !cmd.parent) {
    // The root runs the latency job, so commander reads a mistyped sub-command as an extra argument.
    const word = argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
    const names = cmd.commands.map((c) => c.name());
    return new BenchError('BAD_OPTION', `unknown command "${word}".${suggestion(word, names)}`, {
      fix: `the commands are ${names.join(', ')} (and \`bench\` alone for latency); ${help}`,
      cause: err,
    });
  } else if (err.code === 'commander.unknownOption' || err.code === 'commander.unknownCommand') {
    // commander's own suggestion ("(Did you mean --batch?)") is already in the message.
    fix = help;
  }
  return new BenchError('BAD_OPTION', message, { fix, cause: err });
}

/**
 * Parses and runs `argv` (process.argv shape) and returns the exit code: 0, 2 for a user mistake, 1 for
 * a bug (printed with its stack, which is what a bug report needs).
 */
export async function runCli(program: Command, argv: readonly string[]): Promise<number> {
  const json = argv.slice(2).includes('--json');
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (NOT_ERRORS.has(e.code)) return 0;
      reportUserError(usageError(e, argv), json);
      return USER_ERROR_EXIT;
    }
    if (isBenchError(e)) {
      reportUserError(e, json);
      return USER_ERROR_EXIT;
    }
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
