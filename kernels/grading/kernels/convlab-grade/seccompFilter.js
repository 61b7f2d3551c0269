// The seccomp program bubblewrap loads into the grading kernel (`bwrap --seccomp FD`): a classic BPF
// filter that answers EPERM to the system calls a notebook never needs and an escape would: tracing
// other processes, mounting, new namespaces, kernel keyrings, BPF, perf, io_uring, module loading,
// clock and host changes. Everything else is allowed; the namespaces, read-only mounts and cgroups
// around the kernel are the boundary, this only narrows what native code inside can ask the kernel.
//
// Built here rather than with libseccomp so that nothing but Debian's bubblewrap is needed. x86_64
// only (the architecture it is tested on); elsewhere `seccompFilter()` returns null and the grader
// reports seccomp as missing.
'use strict';

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const EPERM = 1;

// x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl).
const DENIED_X86_64 = {
  ptrace: 101,
  syslog: 103,
  uselib: 134,
  personality: 135,
  vhangup: 153,
  pivot_root: 155,
  adjtimex: 159,
  chroot: 161,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  sethostname: 170,
  setdomainname: 171,
  iopl: 172,
  ioperm: 173,
  create_module: 174,
  init_module: 175,
  delete_module: 176,
  quotactl: 179,
  lookup_dcookie: 212,
  clock_settime: 227,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  // clone3 passes its flags in memory, where a filter cannot look: ENOSYS makes glibc fall back to
  // clone, whose flags are checked below.
  clone3: 435,
  mount_setattr: 442,
};
const CLONE_X86_64 = 56;
const ENOSYS = 38;
// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
const CLONE_NAMESPACE_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

// Classic BPF (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const RET_KILL_PROCESS = 0x80000000;
// struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;

/** One `struct sock_filter` (8 bytes, little-endian like the machine it runs on). */
function instruction(code, jt, jf, k) {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt16LE(code, 0);
  bytes.writeUInt8(jt, 2);
  bytes.writeUInt8(jf, 3);
  bytes.writeUInt32LE(k >>> 0, 4);
  return bytes;
}

/** The filter as bytes for `bwrap --seccomp FD`, or null on an architecture it is not written for. */
function seccompFilter(arch = process.arch) {
  if (arch !== 'x64') return null;
  const denied = Object.values(DENIED_X86_64);
  const program = [
    instruction(LD_W_ABS, 0, 0, OFFSET_ARCH),
    instruction(JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
    instruction(RET_K, 0, 0, RET_KILL_PROCESS), // another ABI (i386): nothing a kernel needs
    instruction(LD_W_ABS, 0, 0, OFFSET_NR),
    instruction(JGE_K, 0, 1, X32_SYSCALL_BIT),
    instruction(RET_K, 0, 0, RET_ERRNO | EPERM), // the x32 ABI: the same calls under other numbers
  ];
  for (const nr of denied) {
    const errno = nr === DENIED_X86_64.clone3 ? ENOSYS : EPERM;
    program.push(instruction(JEQ_K, 0, 1, nr), instruction(RET_K, 0, 0, RET_ERRNO | errno));
  }
  program.push(
    instruction(JEQ_K, 0, 3, CLONE_X86_64),
    instruction(LD_W_ABS, 0, 0, OFFSET_ARG0_LOW),
    instruction(JSET_K, 0, 1, CLONE_NAMESPACE_FLAGS),
    instruction(RET_K, 0, 0, RET_ERRNO | EPERM),
    instruction(RET_K, 0, 0, RET_ALLOW),
  );
  return Buffer.concat(program);
}

module.exports = { seccompFilter, deniedSystemCalls: Object.keys(DENIED_X86_64) };
