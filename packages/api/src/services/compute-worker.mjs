// Worker-thread entry: TypeScript sources run through tsx here as in the CLI (Node 20 cannot strip types).
import { register } from 'tsx/esm/api';

register();
await import('./compute-worker-main.ts');
