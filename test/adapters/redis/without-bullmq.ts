/**
 * Run with `node --import <this file> --import tsx`: makes bullmq and ioredis impossible to load, as on a host that
 * installed neither, then loads both entries and asks a batch for its status. Prints one JSON line of what it saw.
 */
import { register } from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
  if (/^(bullmq|ioredis)(\\/|$)/.test(specifier)) throw new Error('not installed: ' + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
