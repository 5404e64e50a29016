import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (scripts/ is one level down). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

export interface FunctionTrigger {
  type: 'api' | 'event' | 'schedule';
  /** EventBridge pattern (type event) */
  pattern?: Record<string, unknown>;
  /** EventBridge schedule expression (type schedule) */
  expression?: string;
}

export interface FunctionSpec {
  name: string;
  description: string;
  entry: string;
  runtime: string;
  architecture: string;
  memoryMb: number;
  timeoutSeconds: number;
  sizeBudgetKb: number;
  logRetentionDays: number;
  triggers: FunctionTrigger[];
  resources: Record<string, unknown>;
}

interface ManifestFile {
  defaults: Omit<FunctionSpec, 'name' | 'description' | 'entry' | 'triggers' | 'resources'>;
  functions: Record<string, Partial<FunctionSpec> & { entry: string; description: string }>;
}

/** Reads functions/manifest.json (the single list of functions) with defaults applied. */
export const loadManifest = (root = repoRoot): FunctionSpec[] => {
  const file = JSON.parse(readFileSync(join(root, 'functions', 'manifest.json'), 'utf8')) as ManifestFile;
  return Object.entries(file.functions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, spec]) => ({ ...file.defaults, triggers: [], resources: {}, ...spec, name }) as FunctionSpec);
};
