// Jest setup after the framework: close the process's CDS store once a test file is done.
import { closeStore } from '../../lib/store';

afterAll(async () => {
  await closeStore();
});
