/**
 * The spawner twelve starts its processes with: posix_spawn from twelve itself through the process-spawn
 * addon (native-spawner.ts), or, where the addon was not built, the spawn helper (helper-spawner.ts).
 * Either way no fork of twelve's own memory, and each process in a session and process group of its own.
 */
import { SpawnHelper } from './helper-spawner.js';
import { NativeSpawner, processSpawnAddon } from './native-spawner.js';
import type { Spawner } from './spawned-child.js';

export type { ChildLike, SpawnedChild, SpawnRequest, Spawner } from './spawned-child.js';

/** The spawner of this twelve process. */
export const spawner: Spawner = processSpawnAddon ? new NativeSpawner(processSpawnAddon) : new SpawnHelper();
