// Preloaded (`node --require`) into the grading kernel before tslab and any student code runs.
// The boundary around the kernel is the OS's (launch.js); this file narrows what code inside can do
// to the kernel's neighbours and to the grading itself:
//
// 1. Signals: `process.kill` may signal only the kernel itself (without bubblewrap, other kernels
//    and the Jupyter server are the same user).
// 2. Native code: the only addon that may load is zeromq's (tslab needs it), once, and then zeromq
//    is out of reach of the code that follows (binding `ipc://PATH` unlinks PATH); Node's own
//    sockets (net, dgram) refuse to open.
// 3. Forbidden functions (settings.forbidden, from the exercise's metadata): the library functions
//    an exercise teaches answer only calls made on behalf of the teacher's cells. See below.
// 4. File watches TypeScript sets on folders the permission model hides get a silent watcher.
//
// Everything this file relies on later is captured now, before student code can replace it.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const apply = Reflect.apply;
const construct = Reflect.construct;
const defineProperty = Object.defineProperty;
const OriginalError = Error;
const OriginalRegExp = RegExp;
const captureStackTrace = Error.captureStackTrace;
const startsWith = String.prototype.startsWith;
const endsWith = String.prototype.endsWith;
const includes = String.prototype.includes;
const setHas = Set.prototype.has;
const readFile = fs.readFileSync;
const hash = crypto.hash; // one call into C++: nothing a student can patch on the way

function freeze(object, name, value) {
  defineProperty(object, name, { value, writable: false, configurable: false, enumerable: false });
}

/** An error a student sees, named after the rule it breaks. */
function denied(message, code = 'ERR_ACCESS_DENIED') {
  const error = new OriginalError(`convlab sandbox: ${message}`);
  error.code = code;
  return error;
}

// The kernel runs in <course>/notebooks/exercises; the settings are in <course> (launch.js).
const course = path.resolve(process.cwd(), '..', '..');
let settings = {};
try {
  settings = JSON.parse(fs.readFileSync(path.join(course, 'convlab-sandbox.json'), 'utf8'));
} catch {
  // a test of this file alone: the fixed rules only
}

// 1. Signals -----------------------------------------------------------------------------------
// Every path from JavaScript to the kill system call goes through `process._kill`.
const ownPid = process.pid;
const parentPid = process.ppid;
const rawKill = process._kill;
freeze(process, '_kill', function guardedKill(pid, signal) {
  if (pid !== ownPid) throw denied(`a grading kernel may not signal other processes (pid ${pid})`);
  return apply(rawKill, process, [pid, signal]);
});
// The launcher watches this kernel; if the launcher is gone, so is the reason to run.
setInterval(() => {
  if (process.ppid !== parentPid) apply(rawKill, process, [ownPid, 9]);
}, 1000).unref();

// 2. Native code -------------------------------------------------------------------------------
const rawDlopen = process.dlopen;
let zeromqLoaded = false;
freeze(process, 'dlopen', function guardedDlopen(module, filename, ...rest) {
  const file = String(filename);
  if (zeromqLoaded || !apply(includes, file, [`${path.sep}zeromq${path.sep}`]))
    throw denied(`a grading kernel may not load native code (${path.basename(file)})`);
  zeromqLoaded = true;
  return apply(rawDlopen, process, [module, filename, ...rest]);
});

// zeromq itself: once tslab has it, it leaves the module cache and no one may load it again, so
// student code cannot open sockets of its own (binding `ipc://PATH` unlinks PATH). tslab keeps its
// copy. (Wrapping its classes' methods instead fails: the addon defines them unconfigurable.)
let zeromqTaken = false;
const zeromqFolder = `${path.sep}node_modules${path.sep}zeromq${path.sep}`;
function isZeromq(request, parent) {
  if (request === 'zeromq' || apply(startsWith, request, ['zeromq/'])) return true;
  try {
    return apply(includes, Module._resolveFilename(request, parent), [zeromqFolder]);
  } catch {
    return false;
  }
}
function forgetZeromq() {
  const isZeromqModule = (module) => module && apply(includes, String(module.filename), [zeromqFolder]);
  for (const file of Object.keys(require.cache)) {
    const module = require.cache[file];
    // tslab's module lists zeromq among its children: a way back to it (the red team found it)
    if (module && Array.isArray(module.children))
      module.children = module.children.filter((child) => !isZeromqModule(child));
    if (isZeromqModule(module)) delete require.cache[file];
  }
}

// Sockets of Node's own (net, http, fetch, dgram): a notebook needs none, and without bubblewrap
// they would reach the network, the Jupyter server and other kernels; `listen` on a path would even
// create files where the permission model says "write nowhere" (the red team found it).
const net = require('net');
const dgram = require('dgram');
for (const [prototype, name] of [
  [net.Socket.prototype, 'connect'],
  [net.Server.prototype, 'listen'],
  [dgram.Socket.prototype, 'bind'],
  [dgram.Socket.prototype, 'send'],
]) {
  freeze(prototype, name, function refused() {
    throw denied('a grading kernel may not open network connections or sockets');
  });
}

// 3. Forbidden functions -------------------------------------------------------------------------
// A call to a forbidden function is allowed only when no frame on the stack is a student's, and the
// outermost frame of the course's code is a teacher cell's top level. How frames are told apart:
//   - tslab compiles each cell with vm.runInThisContext; the wrapper below names that script
//     TEACHER_CELL when the cell's source is one the grader listed (settings.teacherCells, sha256)
//     and STUDENT_CELL otherwise;
//   - every other way to make code at run time is named as a student's or marked by V8: vm's
//     functions (wrapped), eval and new Function (V8 marks their frames), Module#_compile with text
//     that is not the file's (refused), data: and wasm: URLs (untrusted names);
//   - the library (dist/), node_modules/, Node's own frames and this file are trusted.
// So a student's function called by a teacher cell puts a student frame on the stack, and a call
// scheduled from student code (a promise, a timer) does not start in a teacher cell's top level.
// What stays open is written in the README's threat model.
const TEACHER_CELL = 'convlab:teacher-cell';
const STUDENT_CELL = 'convlab:student-cell';
const STUDENT_CODE = 'convlab:student-code';
const forbidden = Array.isArray(settings.forbidden) ? settings.forbidden.map(String) : [];
const teacherCells = new Set(Array.isArray(settings.teacherCells) ? settings.teacherCells : []);
let onLoad = () => undefined;

if (forbidden.length > 0) {
  // The stack API, captured: Error.prepareStackTrace becomes an accessor this file answers while it
  // reads a stack, and Error itself cannot be swapped (Node asks globalThis.Error for the hook).
  let collecting = false;
  let userPrepare;
  defineProperty(OriginalError, 'prepareStackTrace', {
    configurable: false,
    get: () => (collecting ? (_, frames) => frames : userPrepare),
    set: (value) => {
      userPrepare = value;
    },
  });
  freeze(globalThis, 'Error', OriginalError);

  /** The frames from the caller of `above` outwards, or null when they cannot be read. */
  function stackFrames(above) {
    const limit = OriginalError.stackTraceLimit;
    collecting = true;
    try {
      OriginalError.stackTraceLimit = Infinity;
      if (OriginalError.stackTraceLimit !== Infinity) return null;
      const holder = {};
      captureStackTrace(holder, above);
      const frames = holder.stack;
      return Array.isArray(frames) ? frames : null;
    } catch {
      return null;
    } finally {
      collecting = false;
      try {
        OriginalError.stackTraceLimit = limit;
      } catch {
        // made read-only by student code: left as it is
      }
    }
  }
  // CallSite's methods, captured from a real frame before anyone could patch its prototype.
  const site = Object.getPrototypeOf(stackFrames(stackFrames)[0]);
  const frameMethods = {};
  for (const name of [
    'getFileName',
    'isEval',
    'isNative',
    'getEnclosingLineNumber',
    'getEnclosingColumnNumber',
    'getLineNumber',
    'getColumnNumber',
  ])
    frameMethods[name] = site[name];
  const call = (frame, name) => apply(frameMethods[name], frame, []);

  const library = path.join(course, 'dist') + path.sep;
  const trustedRoots = [library, path.join(course, 'node_modules') + path.sep];
  try {
    // without bubblewrap, node_modules is the repository's, by its real path
    const tslab = require.resolve('tslab/package.json', { paths: [__dirname] });
    const marker = `${path.sep}node_modules${path.sep}`;
    trustedRoots.push(tslab.slice(0, tslab.lastIndexOf(marker) + marker.length));
  } catch {
    // only the course's own
  }

  /** 'teacher' | 'library' | 'trusted' (Node, node_modules, natives, this file) | 'untrusted'. */
  function kindOf(frame) {
    if (call(frame, 'isEval')) return 'untrusted';
    const file = call(frame, 'getFileName');
    // no file: a built-in (Array.prototype.map); code made by eval or new Function is marked isEval
    if (file === undefined || file === null || file === '') return 'trusted';
    if (apply(startsWith, file, [TEACHER_CELL])) return 'teacher';
    if (apply(startsWith, file, ['node:'])) return 'trusted';
    if (file === __filename) return 'trusted';
    if (apply(includes, file, [`${path.sep}..`])) return 'untrusted';
    if (apply(startsWith, file, [library])) return 'library';
    for (let i = 0; i < trustedRoots.length; i++)
      if (apply(startsWith, file, [trustedRoots[i]])) return 'trusted';
    return 'untrusted';
  }

  /** The code of each teacher cell the kernel ran, by script name (for the call-site check below). */
  const teacherCode = new Map();
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const split = String.prototype.split;
  const slice = String.prototype.slice;
  const regexExec = RegExp.prototype.exec;

  /**
   * Whether a teacher cell's call at this frame names the function: `cl.conv2d(…)`, `conv2d(…)` or
   * TypeScript's `(0, dist_1.conv2d)(…)`. A student who aliases the function (`const convForward =
   * cl.conv2d`) is called by the teacher's test under the exercise's name, and is refused.
   */
  function callSiteNames(frame, name) {
    const code = apply(mapGet, teacherCode, [call(frame, 'getFileName')]);
    if (typeof code !== 'string') return false;
    const lines = apply(split, code, ['\n']);
    const line = lines[call(frame, 'getLineNumber') - 1];
    if (typeof line !== 'string') return false;
    const text = apply(slice, line, [call(frame, 'getColumnNumber') - 1]);
    const named = new OriginalRegExp(`^(?:\\(0,\\s*)?(?:[\\w$]+\\.)*${name}(?![\\w$])`);
    return apply(regexExec, named, [text]) !== null;
  }

  function calledForTeacher(above, name) {
    const frames = stackFrames(above);
    if (!frames) return false;
    // the direct caller (past built-ins): a teacher cell must call the function by its name
    for (let i = 0; i < frames.length; i++) {
      const file = call(frames[i], 'getFileName');
      if (file === undefined || file === null || file === '') continue;
      if (kindOf(frames[i]) === 'teacher' && !callSiteNames(frames[i], name)) return false;
      break;
    }
    let outermost = null;
    for (let i = 0; i < frames.length; i++) {
      const kind = kindOf(frames[i]);
      if (kind === 'untrusted') return false;
      if (kind === 'teacher' || kind === 'library') outermost = frames[i];
    }
    // The outermost frame of the course's own code (below it only tslab and Node) must be a teacher
    // cell's top level, which tslab wraps in `(function(exports, require) { … })`: a function that
    // starts on the cell's first line, inside that prefix.
    return (
      outermost !== null &&
      kindOf(outermost) === 'teacher' &&
      call(outermost, 'getEnclosingLineNumber') === 1 &&
      call(outermost, 'getEnclosingColumnNumber') <= 10
    );
  }

  /** The library's own version of each forbidden function, and its variants (conv2d → conv2dFast, …). */
  function isForbiddenName(name) {
    for (let i = 0; i < forbidden.length; i++) {
      const base = forbidden[i];
      if (name === base) return true;
      if (apply(startsWith, name, [base]) && /^[A-Z]/.test(name.slice(base.length))) return true;
    }
    return false;
  }
  const guardedFunctions = new WeakSet();
  function guardExports(exports) {
    if (!exports || typeof exports !== 'object') return;
    for (const name of Object.keys(exports)) {
      const descriptor = Object.getOwnPropertyDescriptor(exports, name);
      if (!descriptor || !('value' in descriptor) || typeof descriptor.value !== 'function') continue;
      // (dist/index.js re-exports a guarded function as it is: guard it once)
      if (!isForbiddenName(name) || guardedFunctions.has(descriptor.value)) continue;
      const original = descriptor.value;
      const guarded = function (...args) {
        if (!calledForTeacher(guarded, name)) {
          throw denied(
            `${name} is one of the functions this exercise asks you to write, so your code may not ` +
              "call the library's version in a graded run (the teacher's tests still do)",
            'ERR_CONVLAB_FORBIDDEN',
          );
        }
        return new.target ? construct(original, args, new.target) : apply(original, this, args);
      };
      defineProperty(guarded, 'name', { value: name });
      guardedFunctions.add(guarded);
      defineProperty(exports, name, {
        value: guarded,
        writable: false,
        configurable: false,
        enumerable: true,
      });
    }
  }

  // Module#_compile: library files get their forbidden exports guarded; text that is not the file's
  // own (a student naming their code after a trusted file) is refused. tslab compiles a notebook's
  // own .ts imports from memory; a graded run has none.
  const rawCompile = Module.prototype._compile;
  const withoutBom = (text) =>
    typeof text === 'string' && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  freeze(Module.prototype, '_compile', function guardedCompile(content, filename) {
    let onDisk;
    try {
      onDisk = apply(readFile, fs, [filename, 'utf8']);
    } catch {
      onDisk = undefined;
    }
    if (withoutBom(onDisk) !== withoutBom(content))
      throw denied('a grading kernel may compile only the files on disk');
    const result = apply(rawCompile, this, [content, filename]);
    if (typeof filename === 'string' && apply(startsWith, filename, [library])) guardExports(this.exports);
    return result;
  });

  // vm: the one call tslab makes per cell gets the cell's name; every other call is a student's.
  let pendingCell = null;
  let teacherCellCount = 0;
  const rawRunInThisContext = vm.runInThisContext;
  const executorFile = `${path.sep}tslab${path.sep}dist${path.sep}executor.js`;
  const withName = (options, filename) =>
    typeof options === 'object' && options !== null ? { ...options, filename } : { filename };
  freeze(vm, 'runInThisContext', function runInThisContext(code, options) {
    if (pendingCell !== null) {
      const frames = stackFrames(runInThisContext); // [its caller, …]
      const caller = frames && frames[0] && call(frames[0], 'getFileName');
      if (typeof caller === 'string' && apply(endsWith, caller, [executorFile])) {
        let name = pendingCell;
        pendingCell = null;
        if (name === TEACHER_CELL) {
          name = `${TEACHER_CELL}:${++teacherCellCount}`;
          apply(mapSet, teacherCode, [name, String(code)]);
        }
        return apply(rawRunInThisContext, vm, [code, withName(options, name)]);
      }
    }
    return apply(rawRunInThisContext, vm, [code, withName(options, STUDENT_CODE)]);
  });
  for (const name of ['runInNewContext', 'runInContext', 'compileFunction']) {
    const raw = vm[name];
    // (code, contextObject | context | params, options)
    freeze(vm, name, function (code, second, options) {
      return apply(raw, vm, [code, second, withName(options, STUDENT_CODE)]);
    });
  }
  const RawScript = vm.Script;
  function Script(code, options) {
    if (!new.target) throw new TypeError("Class constructor Script cannot be invoked without 'new'");
    return construct(RawScript, [code, withName(options, STUDENT_CODE)], RawScript);
  }
  freeze(vm, 'Script', Script);
  // A script's prototype chain leads back to the classes that compile without the wrapper
  // (`Object.getPrototypeOf(new vm.Script('0')).constructor`, and vm's internal ContextifyScript
  // one level up): those doors close too.
  freeze(RawScript.prototype, 'constructor', Script);
  const contextifyPrototype = Object.getPrototypeOf(RawScript.prototype);
  if (contextifyPrototype && contextifyPrototype !== Object.prototype) {
    freeze(contextifyPrototype, 'constructor', function ContextifyScript() {
      throw denied('a grading kernel may compile code only as a cell');
    });
  }
  // process.binding('contextify') would reach V8's compiler without vm.
  freeze(process, 'binding', function binding(name) {
    throw denied(`process.binding('${name}') is not available in a grading kernel`);
  });

  // tslab's executor: which cell is being run, teacher's or student's, by the hash of its source.
  let executorWrapped = false;
  onLoad = (request, parent, loaded) => {
    const fromMain =
      parent &&
      apply(endsWith, String(parent.filename), [`${path.sep}tslab${path.sep}dist${path.sep}main.js`]);
    if (request !== './executor' || !fromMain || executorWrapped) return;
    executorWrapped = true;
    const rawCreate = loaded.createExecutor;
    // Only the executor tslab's main.js makes at start (before any cell) runs cells: one a student
    // makes with a converter of their own could present a teacher cell's text and run other code
    // under its name (the second red team found it). Later executors are left plain: their scripts
    // run as STUDENT_CODE.
    let created = false;
    loaded.createExecutor = function (...args) {
      const executor = apply(rawCreate, this, args);
      if (created) return executor;
      created = true;
      const rawExecute = executor.execute;
      executor.execute = function (src) {
        const digest = hash('sha256', String(src), 'hex');
        pendingCell = apply(setHas, teacherCells, [digest]) ? TEACHER_CELL : STUDENT_CELL;
        try {
          return apply(rawExecute, this, [src]);
        } finally {
          // the cell's script ran synchronously inside; nothing later may inherit its name
          pendingCell = null;
        }
      };
      return executor;
    };
  };
}

// zeromq is taken away once tslab has it; tslab's executor is wrapped as tslab loads it (rule 3).
const rawLoad = Module._load;
Module._load = function guardedLoad(request, parent, isMain) {
  if (zeromqTaken && typeof request === 'string' && isZeromq(request, parent))
    throw denied('a grading kernel may not open sockets (zeromq)');
  const loaded = apply(rawLoad, Module, [request, parent, isMain]);
  if (request === 'zeromq' && !zeromqTaken) {
    zeromqTaken = true;
    forgetZeromq();
  }
  onLoad(request, parent, loaded);
  return loaded;
};

// 4. File watches --------------------------------------------------------------------------------
// Node's permission model makes fs.watch and fs.watchFile throw for a path the kernel may not read.
// TypeScript (inside tslab) watches folders up the tree where a node_modules might appear, e.g.
// /home/node_modules for a repository cloned to /home/alice/convlab; it calls fs.watchFile without a
// try/catch, and the throw leaves tslab's compiler stuck, so every later cell fails (seen when the
// repository sits two or more folders below /). A file the kernel may not read can never be
// imported, so such a watch has nothing to report: it gets a watcher that never fires.
const { EventEmitter } = require('events');

/** What fs.watch and fs.watchFile return, minus the events: close, ref and unref do nothing. */
function silentWatcher() {
  const watcher = new EventEmitter();
  watcher.close = () => undefined;
  watcher.ref = () => watcher;
  watcher.unref = () => watcher;
  return watcher;
}

for (const name of ['watch', 'watchFile']) {
  const watch = fs[name];
  fs[name] = function (...args) {
    try {
      return watch.apply(this, args);
    } catch (error) {
      if (error && error.code === 'ERR_ACCESS_DENIED') return silentWatcher();
      throw error;
    }
  };
}
