#!/usr/bin/env node
/**
 * `bench`: the command-line entry. Each sub-command lives in `commands/<name>.ts` and registers itself;
 * heavy modules (onnxruntime, tfjs, sharp) are imported inside actions so `bench --help` stays fast.
 */
import { createProgram, runCli } from './program.js';

process.exitCode = await runCli(createProgram(), process.argv);
