"""A seccomp deny list as a raw BPF program (no libseccomp needed): no sockets but AF_UNIX, no ptrace or
reading another process's memory, no mount, namespaces, io_uring, kernel modules, keyrings or BPF.

Signals are not filtered here: which process a signal may reach depends on its process group, which a
filter cannot see; the sandbox confines signals with Landlock's signal scope and a uid of the program's own.
Standard library only, like ``landlock``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys

_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_X32_BIT = 0x40000000

# the calls refused with EPERM, per architecture (x86_64 from asm/unistd_64.h, aarch64 the generic table)
_DENY = {
    "x86_64": dict(
        ptrace=101, process_vm_readv=310, process_vm_writev=311, pidfd_getfd=438, kcmp=312,
        mount=165, umount2=166, pivot_root=155, chroot=161, unshare=272, setns=308, open_tree=428, move_mount=429,
        fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, name_to_handle_at=303,
        open_by_handle_at=304, kexec_load=246, kexec_file_load=320, init_module=175, finit_module=313,
        delete_module=176, reboot=169, swapon=167, swapoff=168, acct=163, quotactl=179, syslog=103,
        settimeofday=164, clock_settime=227, adjtimex=159, vhangup=153, iopl=172, ioperm=173, bpf=321,
        perf_event_open=298, userfaultfd=323, keyctl=250, add_key=248, request_key=249, io_uring_setup=425,
        io_uring_enter=426, io_uring_register=427,
    ),
    "aarch64": dict(
        ptrace=117, process_vm_readv=270, process_vm_writev=271, pidfd_getfd=438, kcmp=272,
        mount=40, umount2=39, pivot_root=41, chroot=51, unshare=97, setns=268, open_tree=428, move_mount=429,
        fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, name_to_handle_at=264,
        open_by_handle_at=265, kexec_load=104, kexec_file_load=294, init_module=105, finit_module=273,
        delete_module=106, reboot=142, swapon=224, swapoff=225, acct=89, quotactl=60, syslog=116,
        settimeofday=170, clock_settime=112, adjtimex=171, vhangup=58, bpf=280,
        perf_event_open=241, userfaultfd=282, keyctl=219, add_key=217, request_key=218, io_uring_setup=425,
        io_uring_enter=426, io_uring_register=427,
    ),
}
_SOCKET = {"x86_64": 41, "aarch64": 198}
_CLONE = {"x86_64": 56, "aarch64": 220}
_CLONE3 = 435
_AF_UNIX, _AF_INET, _AF_INET6 = 1, 2, 10
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

# classic BPF opcodes
_LD_W_ABS, _JEQ, _JSET, _JGE, _RET = 0x20, 0x15, 0x45, 0x35, 0x06
_RET_KILL_PROCESS, _RET_ERRNO, _RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg0's low word on little endian)

_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2


def supported() -> tuple[bool, str]:
    arch = os.uname().machine
    if sys.platform != "linux" or arch not in _DENY:
        return False, f"no syscall table for {sys.platform} {arch}"
    return True, ""


def program(arch: str | None = None, inet: bool = False) -> list[tuple[int, int, int, int]]:
    """The filter for ``arch`` as (code, jt, jf, k) instructions; ``inet``: IPv4 and IPv6 sockets allowed too
    (only inside a network namespace of the sandbox's own)."""
    arch = arch or os.uname().machine
    out: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ, 1, 0, _AUDIT_ARCH[arch]),
        (_RET, 0, 0, _RET_KILL_PROCESS),  # another ABI (i386 int 0x80) would bypass the numbers below
        (_LD_W_ABS, 0, 0, _NR),
    ]
    if arch == "x86_64":
        out += [(_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, _RET_KILL_PROCESS)]
    for nr in _DENY[arch].values():
        out += [(_JEQ, 0, 1, nr), (_RET, 0, 0, _RET_ERRNO | errno.EPERM)]
    # clone3 passes its flags in memory the filter cannot read: ENOSYS makes libc fall back to clone
    out += [(_JEQ, 0, 1, _CLONE3), (_RET, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    if inet:  # socket(AF_INET | AF_INET6, ...): allowed; the AF_UNIX test below refuses every other family
        out += [(_JEQ, 0, 5, _SOCKET[arch]), (_LD_W_ABS, 0, 0, _ARG0), (_JEQ, 1, 0, _AF_INET),
                (_JEQ, 0, 1, _AF_INET6), (_RET, 0, 0, _RET_ALLOW), (_LD_W_ABS, 0, 0, _NR)]
    for nr, test, verdict_if_set in ((_SOCKET[arch], _JEQ, _RET_ALLOW), (_CLONE[arch], _JSET, _RET_ERRNO | errno.EPERM)):
        other = _RET_ERRNO | errno.EPERM if verdict_if_set == _RET_ALLOW else _RET_ALLOW
        value = _AF_UNIX if test == _JEQ else _NEW_NAMESPACES
        out += [
            (_JEQ, 0, 4, nr),
            (_LD_W_ABS, 0, 0, _ARG0),
            (test, 0, 1, value),
            (_RET, 0, 0, verdict_if_set),
            (_RET, 0, 0, other),
        ]
    out.append((_RET, 0, 0, _RET_ALLOW))
    return out


_LOADED: tuple | None = None  # (prctl, sock_fprog, the filter it points to, inet), built once per process
_INSTALLED: list[bool] = []  # this process holds the filter: it installed it, or was forked from one that did


def program_bytes(inet: bool = False) -> bytes:
    return _loaded(inet)[2].raw


def _loaded(inet: bool = False) -> tuple:
    global _LOADED
    if _LOADED is None or _LOADED[3] != inet:
        code = program(inet=inet)
        raw = b"".join(struct.pack("=HBBI", *ins) for ins in code)
        filt = ctypes.create_string_buffer(raw, len(raw))
        prog = struct.pack("=HxxxxxxQ", len(code), ctypes.addressof(filt))
        _LOADED = (ctypes.CDLL(None, use_errno=True).prctl, ctypes.create_string_buffer(prog, len(prog)), filt, inet)
    return _LOADED


def install(inet: bool = False) -> None:
    """Load the filter into this process; it stays across fork and exec. Needs no_new_privs first. A process
    that already holds it (a child forked from a warm worker that installed it) keeps it and loads no second
    copy: the kernel would run both on every call."""
    if _INSTALLED:
        return
    prctl, prog, _, _ = _loaded(inet)
    if prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, prog, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "seccomp filter refused: " + errno.errorcode.get(err, str(err)))
    _INSTALLED.append(True)
