import * as Comlink from 'comlink';
import { untrustedApi } from './untrusted.api.ts';
Comlink.expose(untrustedApi);
