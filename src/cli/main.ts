#!/usr/bin/env node
import { Command } from 'commander';

const program = new Command();
program
  .name('promptly')
  .description('Prompt processing for observatories: next_visit to pipeline outputs in seconds.')
  .showHelpAfterError();

await program.parseAsync(process.argv);
