import { removeTmpDirs } from './test-config';

// Every test file leaves the OS temp folder as it found it.
afterAll(() => removeTmpDirs());
