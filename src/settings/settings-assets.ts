import { projectFile } from '../config/project-file';

/** The settings page's static files (HTML, a plain script, CSS): read from the source tree, as the dashboard's. */
export function settingsAssets(): string {
  return projectFile('src/settings/public');
}
