/** Rewrites routes.txt from the last build (`npm run build` first): run it when a page is added or removed on purpose. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtRoutes } from '../test/site.ts';
import { docsDir } from './generate.ts';

const routes = builtRoutes(join(docsDir, '.vitepress/dist'));
writeFileSync(
  join(docsDir, 'routes.txt'),
  `# Every page of the built docs site. The docs test fails when the build differs from this list,\n# so a deleted page is noticed. Update with: npm run build && npm run routes (in apps/docs).\n${routes.join('\n')}\n`,
);
process.stdout.write(`routes.txt: ${routes.length} routes\n`);
