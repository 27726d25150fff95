/** The command table: order is the order `secrets --help` lists them in. */
import type { CommandSpec } from '../command.ts';
import { agent } from './agent.ts';
import { audit } from './audit.ts';
import { completion } from './completion.ts';
import { exec } from './exec.ts';
import { get } from './get.ts';
import { history } from './history.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { ls } from './ls.ts';
import { patch } from './patch.ts';
import { put } from './put.ts';
import { render } from './render.ts';
import { restore } from './restore.ts';
import { rm } from './rm.ts';
import { rotate } from './rotate.ts';
import { rotation } from './rotation.ts';
import { whoami } from './whoami.ts';

export const COMMANDS: readonly CommandSpec[] = [
  login,
  whoami,
  logout,
  ls,
  get,
  put,
  patch,
  rm,
  restore,
  rotate,
  rotation,
  exec,
  render,
  agent,
  history,
  audit,
  completion,
];
