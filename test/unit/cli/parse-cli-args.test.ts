import { REGISTER_USAGE } from '../../../src/cli/register-command';
import { RECONCILE_USAGE } from '../../../src/cli/reconcile-command';
import { SYNC_USAGE } from '../../../src/cli/sync-command';
import { START_USAGE } from '../../../src/cli/start-usage';
import { swallowedByNpm, usageText } from '../../../src/cli/parse-cli-args';

// What npm 10 exports to a script on this kind of machine (names and non-secret values), as seen by `env`.
const NPM_ENV = {
  npm_lifecycle_event: 'register',
  npm_config_cache: '/root/.npm',
  npm_config_userconfig: '/root/.npmrc',
  npm_config_globalconfig: '/usr/etc/npmrc',
  npm_config_prefix: '/usr',
  npm_config_local_prefix: '/work/app',
  npm_config_init_module: '/root/.npm-init.js',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_user_agent: 'npm/10.9.2 node/v20.19.0 linux x64',
  npm_config_npm_version: '10.9.2',
  npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt',
  npm_config_nodedir: '/usr',
  npm_config_noproxy: '',
  npm_config_audit: '',
  npm_config_fund: '',
  npm_config_yes: '',
  npm_config_update_notifier: '',
  npm_config_omit_lockfile_registry_resolved: 'true',
};

describe('flags npm swallowed', () => {
  it.each([REGISTER_USAGE, SYNC_USAGE, RECONCILE_USAGE, START_USAGE])(
    'npm’s own settings are not mistaken for a swallowed flag (%#)',
    (spec) => {
      expect(swallowedByNpm(NPM_ENV, spec)).toEqual([]);
    },
  );

  it('finds the command’s flags, and near misses of them, given without --', () => {
    const env = { ...NPM_ENV, npm_config_dry_run: 'true', npm_config_dryrun: 'true', npm_config_module: 'x.json' };
    expect(swallowedByNpm(env, REGISTER_USAGE).sort()).toEqual(['dry-run', 'dryrun', 'module']);
  });

  it('outside npm nothing is looked at', () => {
    expect(swallowedByNpm({ npm_config_dry_run: 'true' }, REGISTER_USAGE)).toEqual([]);
  });

  it('the usage lists every option with its argument and help', () => {
    expect(usageText(SYNC_USAGE)).toMatch(/--source NAME\s+the source to pull/);
    expect(usageText(SYNC_USAGE)).toMatch(/--help\s+print this help/);
  });
});
