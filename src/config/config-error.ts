import { AppError } from '../domain/app-error';

export interface ConfigProblem {
  path: string;
  problem: string;
  fix: string;
}

/** Thrown when the config cannot be used; `problems` lists every one, each with what to do. Never carries a value. */
export class ConfigError extends AppError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(500, `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
      code: 'config',
    });
    this.problems = problems;
  }
  describe(): string {
    return [this.message + ':', ...this.problems.map((p) => `  - ${p.path}: ${p.problem}. ${p.fix}`)].join('\n');
  }
}
