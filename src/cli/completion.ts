/**
 * Shell completion scripts (bash, zsh, fish) generated from the commander definitions and the
 * pricing table's model ids, so completion knows every command, option and model tokcost does.
 */
import type { Command } from "commander";

/** What completion needs: commands with their long/short options, and the model ids. */
export interface CompletionSpec {
  commands: Array<{ name: string; options: string[] }>;
  models: string[];
}

/** The spec of a built program. */
export function completionSpec(program: Command, models: readonly string[]): CompletionSpec {
  const commands = program.commands.map((c) => ({ name: c.name(), options: c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === "string")) }));
  return { commands, models: [...models].sort() };
}

const quote = (words: readonly string[]) => words.map((w) => w.replace(/[^\w@./:+-]/g, "")).join(" ");

/** A bash completion function (`source <(tokcost completion bash)`); zsh loads it through bashcompinit. */
export function bashCompletion(spec: CompletionSpec): string {
  const cases = spec.commands.map((c) => `    ${c.name}) opts="${quote(c.options)} --help" ;;`).join("\n");
  return `# tokcost completion for bash: source <(tokcost completion bash)
_tokcost() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${quote(spec.commands.map((c) => c.name))} --help --version" -- "$cur") )
    return 0
  fi
  case "$prev" in
    -m|--model) COMPREPLY=( $(compgen -W "${quote(spec.models)}" -- "$cur") ); return 0 ;;
  esac
  case "$cmd" in
${cases}
    *) opts="--help" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -o default -F _tokcost tokcost
`;
}

/** zsh: the bash function through zsh's bashcompinit (\`source <(tokcost completion zsh)\`). */
export function zshCompletion(spec: CompletionSpec): string {
  return `# tokcost completion for zsh: source <(tokcost completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(spec).split("\n").slice(1).join("\n")}`;
}

/** fish (\`tokcost completion fish > ~/.config/fish/completions/tokcost.fish\`). */
export function fishCompletion(spec: CompletionSpec): string {
  const lines = ["# tokcost completion for fish: tokcost completion fish > ~/.config/fish/completions/tokcost.fish", "complete -c tokcost -f"];
  lines.push(`complete -c tokcost -n __fish_use_subcommand -a "${quote(spec.commands.map((c) => c.name))}"`);
  for (const c of spec.commands) {
    for (const option of c.options) {
      const flag = option.startsWith("--") ? `-l ${option.slice(2)}` : `-s ${option.slice(1)}`;
      lines.push(`complete -c tokcost -n "__fish_seen_subcommand_from ${c.name}" ${flag}`);
    }
  }
  lines.push(`complete -c tokcost -s m -l model -x -a "${quote(spec.models)}"`);
  return lines.join("\n") + "\n";
}
