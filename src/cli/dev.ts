// `npm run cli -- <args>`: the CLI straight from src/ through tsx, for development.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
