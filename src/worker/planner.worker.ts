import * as Comlink from 'comlink';
import { plannerApi } from './planner.api.ts';
Comlink.expose(plannerApi);
