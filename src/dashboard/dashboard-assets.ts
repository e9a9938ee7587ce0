import { projectFile } from '../config/project-file';

/**
 * The dashboard's static files (HTML, a plain script, CSS, the logo). They are not compiled, so both the tests
 * (running from src/) and the compiled service (dist/src/) read them from the one folder in the source tree.
 */
export function dashboardAssets(): string {
  return projectFile('src/dashboard/public');
}
