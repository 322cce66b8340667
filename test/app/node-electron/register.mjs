// `node --import ./register.mjs out/main/index.js`: maps the bare specifier `electron` to
// the stand-in beside this file, so the built main bundle runs under plain Node.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
