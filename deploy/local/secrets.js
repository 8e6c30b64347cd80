#!/usr/bin/env node
/*
 * The local stack's private credentials (used by deploy/local/stack.sh), kept in
 * .local/stacks/<name>/secrets/ (mode 0700, files 0600). Passwords are generated once, from the
 * system's CSPRNG, and never printed, logged or put on a command line: stack.sh reads the ones it
 * needs into shell variables with `get`, and hands them to processes in files or the environment.
 *
 *   node secrets.js init <dir> <service>...
 *       creates <dir>/kafka-users.json ({"admin": {username, password}, "<service>": ...}) and
 *       <dir>/stack.json ({broker, controller, mongo: {username, password}}), adding only what is
 *       missing; prints the usernames it added to kafka-users.json, one a line.
 *   node secrets.js get <file> <key>[.<key>...]
 *       prints one value (for $(...) in stack.sh).
 *   node secrets.js scram-args <dir> <out-file> [<username>...]
 *       writes kafka-storage's `--add-scram` arguments for these users (all when none given), one
 *       a line, to <out-file> (mode 0600): a java @argfile fragment.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const password = () => randomBytes(32).toString('base64url');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return {};
    throw err;
  }
}

/** Written to a fresh 0600 file, then renamed over the old one: never readable by others. */
function writePrivate(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function init(dir, services) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const usersFile = path.join(dir, 'kafka-users.json');
  const users = readJson(usersFile);
  const added = [];
  for (const name of ['admin', ...services]) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid service name '${name}'`);
    if (users[name]?.username && users[name]?.password) continue;
    users[name] = { username: `acd.${name}`, password: password() };
    added.push(users[name].username);
  }
  if (added.length > 0 || !fs.existsSync(usersFile)) writePrivate(usersFile, users);
  const stackFile = path.join(dir, 'stack.json');
  const stack = readJson(stackFile);
  let changed = !fs.existsSync(stackFile);
  if (!stack.broker)
    ((stack.broker = { username: 'acd.broker', password: password() }), (changed = true));
  if (!stack.controller)
    ((stack.controller = { username: 'acd.controller', password: password() }), (changed = true));
  if (!stack.mongo) ((stack.mongo = { username: 'acd', password: password() }), (changed = true));
  if (changed) writePrivate(stackFile, stack);
  for (const u of added) console.log(u);
}

function get(file, keys) {
  let v = readJson(file);
  for (const k of keys.split('.')) v = v?.[k];
  if (typeof v !== 'string') throw new Error(`${path.basename(file)}: no ${keys}`);
  process.stdout.write(v);
}

function scramArgs(dir, out, only) {
  const users = readJson(path.join(dir, 'kafka-users.json'));
  const stack = readJson(path.join(dir, 'stack.json'));
  const all = [stack.broker, ...Object.values(users)].filter((u) => u?.username && u?.password);
  const chosen = only.length > 0 ? all.filter((u) => only.includes(u.username)) : all;
  const lines = chosen.flatMap((u) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${u.username},password=${u.password}]`,
  ]);
  writePrivate(out, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

const [cmd, ...args] = process.argv.slice(2);
try {
  if (cmd === 'init' && args[0]) init(args[0], args.slice(1));
  else if (cmd === 'get' && args.length === 2) get(args[0], args[1]);
  else if (cmd === 'scram-args' && args.length >= 2) scramArgs(args[0], args[1], args.slice(2));
  else {
    console.error(
      'usage: secrets.js init <dir> <service>... | get <file> <key> | scram-args <dir> <out> [user...]',
    );
    process.exit(2);
  }
} catch (err) {
  console.error(`secrets.js: ${err.message}`);
  process.exit(1);
}
