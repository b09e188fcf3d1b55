/**
 * commander for the CLI, loaded with require(): its ES module entry costs every start an ES module
 * resolution of the package and a parse of its CommonJS source for the names it exports.
 */
import { createRequire } from 'node:module';
import type * as Commander from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, Option, InvalidArgumentError } = commander;
export type Command = Commander.Command;
export type Option = Commander.Option;
