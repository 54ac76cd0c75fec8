import { describe, expect, it } from 'vitest';
import { defineAsset, defineJob, defineOp, z } from '../src/definitions/define.ts';
import { ASSET_JOB_NAME, Definitions } from '../src/definitions/definitions.ts';
import { InvalidConfigError, UnknownNameError } from '../src/errors.ts';
import { planForRun } from '../src/execution/plan.ts';
import { parseRunConfig, validateRunConfig } from '../src/runs/run-config.ts';

const urls = defineAsset({
  key: 'youtube_urls_to_process',
  config: z.object({ urls: z.array(z.string()).default([]), user_id: z.number().optional() }),
  compute: () => null,
});
const audio = defineAsset({
  key: 'downloaded_audio_files',
  deps: ['youtube_urls_to_process'],
  compute: () => null,
});
const unprocessed = defineAsset({
  key: 'unprocessed_audio_files',
  deps: ['downloaded_audio_files'],
  config: z.object({ input_directory: z.string(), language: z.string().default('auto') }),
  compute: () => null,
});
const notify = defineOp({ key: 'notify', deps: [], compute: () => null });
const defs = new Definitions({
  assets: [urls, audio, unprocessed],
  jobs: [
    defineJob({ name: 'youtube_processing_job', selection: ['*'], ops: [notify] }),
    defineJob({ name: 'urls_only', selection: ['youtube_urls_to_process'] }),
  ],
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('parseRunConfig', () => {
  it("parses the seed's YAML shape", () => {
    const text = `ops:\n  youtube_urls_to_process:\n    config:\n      urls: ["https://youtube.com/watch?v=abc123"]\n      user_id: 12345\n`;
    expect(parseRunConfig(text, 'config.yaml')).toEqual({
      ops: {
        youtube_urls_to_process: { config: { urls: ['https://youtube.com/watch?v=abc123'], user_id: 12345 } },
      },
    });
  });

  it('parses JSON and treats an empty file as no config', () => {
    expect(parseRunConfig('{"ops": {"notify": {"config": {}}}}', 'c.json')).toEqual({
      ops: { notify: { config: {} } },
    });
    expect(parseRunConfig('   \n', 'empty.yaml')).toEqual({});
  });

  it('names the file, line and column of a syntax error', () => {
    const e = catchError(() => parseRunConfig('ops:\n  a:\n    config: [1, 2\n  b: }\n', 'bad.yaml'));
    expect(e).toBeInstanceOf(InvalidConfigError);
    expect(e.message).toContain("run config file 'bad.yaml'");
    expect(e.message).toMatch(/line \d+, column \d+/);
  });

  it('rejects a top level that is not a mapping', () => {
    const e = catchError(() => parseRunConfig('- a\n- b\n', 'list.yaml'));
    expect(e.message).toContain('expected a mapping');
    expect(e.message).toContain('got array');
  });
});

describe('validateRunConfig', () => {
  it('applies schema defaults and passes raw config to steps without a schema', () => {
    const { stepConfigs } = validateRunConfig(defs, 'youtube_processing_job', {
      ops: { unprocessed_audio_files: { config: { input_directory: 'data/audio' } } },
    });
    expect(stepConfigs.youtube_urls_to_process).toEqual({ urls: [] });
    expect(stepConfigs.unprocessed_audio_files).toEqual({ input_directory: 'data/audio', language: 'auto' });
    expect(stepConfigs.notify).toEqual({});
  });

  it('reports each bad value with its full path and the types', () => {
    const e = catchError(() =>
      validateRunConfig(defs, 'youtube_processing_job', {
        ops: { youtube_urls_to_process: { config: { urls: [42] } }, unprocessed_audio_files: { config: {} } },
      }),
    ) as InvalidConfigError;
    expect(e).toBeInstanceOf(InvalidConfigError);
    expect(e.issues).toContainEqual({
      path: 'ops.youtube_urls_to_process.config.urls[0]',
      message: 'expected string, got number',
    });
    expect(e.issues).toContainEqual({
      path: 'ops.unprocessed_audio_files.config.input_directory',
      message: 'required: expected string',
    });
    expect(e.message).toContain("job 'youtube_processing_job'");
  });

  it('names the closest real step for an unknown step', () => {
    const e = catchError(() =>
      validateRunConfig(defs, 'youtube_processing_job', { ops: { youtube_url_to_process: { config: {} } } }),
    ) as InvalidConfigError;
    expect(e.issues[0]!.path).toBe('ops.youtube_url_to_process');
    expect(e.issues[0]!.message).toContain("Did you mean 'youtube_urls_to_process'?");
  });

  it('rejects a step of another job, unknown top-level keys and keys beside config', () => {
    const e = catchError(() =>
      validateRunConfig(defs, 'urls_only', {
        ops: { unprocessed_audio_files: { config: {} }, youtube_urls_to_process: { confg: {} } as never },
        resources: {},
      }),
    ) as InvalidConfigError;
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'resources',
        'ops.unprocessed_audio_files',
        'ops.youtube_urls_to_process.confg',
      ]),
    );
  });

  it('validates ad-hoc asset runs against all assets, and unknown jobs fail with a suggestion', () => {
    expect(() => validateRunConfig(defs, ASSET_JOB_NAME, { ops: { unprocessed_audio_files: {} } })).toThrow(
      /input_directory/,
    );
    expect(() => validateRunConfig(defs, 'youtube_procesing_job', {})).toThrow(UnknownNameError);
  });
});

describe('planForRun', () => {
  it('plans ad-hoc asset selections with deps restricted to the selection', () => {
    const plan = planForRun(defs, {
      jobName: ASSET_JOB_NAME,
      stepSelection: ['downloaded_audio_files', 'unprocessed_audio_files'],
    });
    expect(plan.map((s) => [s.key, s.deps])).toEqual([
      ['downloaded_audio_files', []],
      ['unprocessed_audio_files', ['downloaded_audio_files']],
    ]);
    expect(
      planForRun(defs, { jobName: ASSET_JOB_NAME, stepSelection: ['+downloaded_audio_files'] }).map(
        (s) => s.key,
      ),
    ).toEqual(['youtube_urls_to_process', 'downloaded_audio_files']);
  });

  it('restricts a job plan to a step selection and rejects unknown steps', () => {
    const plan = planForRun(defs, {
      jobName: 'youtube_processing_job',
      stepSelection: ['unprocessed_audio_files'],
    });
    expect(plan.map((s) => [s.key, s.deps])).toEqual([['unprocessed_audio_files', []]]);
    expect(planForRun(defs, { jobName: 'youtube_processing_job', stepSelection: null })).toHaveLength(4);
    expect(() => planForRun(defs, { jobName: 'urls_only', stepSelection: ['notify'] })).toThrow(
      UnknownNameError,
    );
    expect(() => planForRun(defs, { jobName: ASSET_JOB_NAME, stepSelection: [] })).toThrow(
      /at least one asset/,
    );
  });
});
