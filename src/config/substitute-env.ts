import type { ConfigProblem } from './config-error';

export type Env = Readonly<Record<string, string | undefined>>;

/** One problem per missing variable, naming every place that uses it (never its value: it has none). */
function reportMissingVar(problems: ConfigProblem[], name: string, at: string): void {
  const problem = `environment variable ${name} is not set`;
  const seen = problems.find((p) => p.problem === problem);
  if (seen) seen.path += `, ${at}`;
  else problems.push({ path: at, problem, fix: `Export ${name} before starting, or write the value into the file.` });
}

/**
 * Replace `${VAR}` in every string value from `env`; each missing variable is one problem, named without a value.
 * `missingAt` collects the paths left empty that way, so the reader does not report them a second time as missing.
 */
export function substituteEnv(
  value: unknown,
  env: Env,
  problems: ConfigProblem[],
  path = '',
  missingAt: Set<string> = new Set(),
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') {
        reportMissingVar(problems, name, path || '(root)');
        missingAt.add(path);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, `${path}[${i}]`, missingAt));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = substituteEnv(v, env, problems, path ? `${path}.${k}` : k, missingAt);
    return out;
  }
  return value;
}
