"""Landlock through ctypes: a process may write only beneath the folders it names, may not bind or connect
TCP sockets, and (ABI 6 on) may not signal or reach abstract sockets of processes outside its own domain.

Standard library only: the sandbox's exec helper imports this module before the rest of seidr is importable.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys

# syscall numbers are the same on x86_64 and the generic table (aarch64, riscv64)
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

_WRITE_FILE = 1 << 1
_REMOVE_DIR, _REMOVE_FILE = 1 << 4, 1 << 5
_MAKE = sum(1 << bit for bit in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
_REFER = 1 << 13  # ABI 2
_TRUNCATE = 1 << 14  # ABI 3
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

# files that every program may write though they lie outside its folder
_WRITABLE_FILES = ("/dev/null",)


class LandlockError(OSError):
    """Landlock is supported but a rule could not be applied."""


_SYSCALL = None


def _syscall():
    """libc's syscall(), looked up once: a forked child calls it on every program."""
    global _SYSCALL
    if _SYSCALL is None:
        _SYSCALL = ctypes.CDLL(None, use_errno=True).syscall
        _SYSCALL.restype = ctypes.c_long
    return _SYSCALL


def abi() -> tuple[int, str]:
    """The kernel's Landlock ABI version (0 when unusable) and why it is unusable."""
    if sys.platform != "linux" or os.uname().machine not in ("x86_64", "aarch64", "riscv64"):
        return 0, f"no Landlock on {sys.platform} {os.uname().machine}"
    version = _syscall()(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    if version < 0:
        err = ctypes.get_errno()
        why = {38: "kernel built without Landlock", 95: "Landlock disabled at boot (add landlock to lsm=)"}
        return 0, why.get(err, os.strerror(err))
    return int(version), ""


def handled_fs(version: int) -> int:
    rights = _WRITE_FILE | _REMOVE_DIR | _REMOVE_FILE | _MAKE
    if version >= 2:
        rights |= _REFER
    if version >= 3:
        rights |= _TRUNCATE
    return rights


def ruleset(writable: list[str], version: int, tcp: bool = False) -> int:
    """A ruleset (a file descriptor) that lets a process write only beneath ``writable``; with ABI 4 no TCP,
    with ABI 6 no signals or abstract sockets outside its domain. Made before the process gives up its
    uid: the folders' paths may pass through folders only root can enter."""
    syscall = _syscall()
    fs = handled_fs(version)
    net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if version >= 4 and not tcp else 0
    scoped = (_SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL) if version >= 6 else 0
    attr = struct.pack("=QQQ", fs, net, scoped)[: 8 if version < 4 else 16 if version < 6 else 24]
    buf = ctypes.create_string_buffer(attr, len(attr))
    fd = syscall(_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if fd < 0:
        raise LandlockError(ctypes.get_errno(), "landlock_create_ruleset: " + os.strerror(ctypes.get_errno()))
    try:
        for path in writable:
            is_dir = os.path.isdir(path)
            if not is_dir and not os.path.exists(path):
                continue
            target = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                _add_rule(fd, path, target, fs if is_dir else fs & (_WRITE_FILE | _TRUNCATE))
            finally:
                os.close(target)
        for path, target, is_dir in _writable_files():
            _add_rule(fd, path, target, fs if is_dir else fs & (_WRITE_FILE | _TRUNCATE))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _add_rule(ruleset_fd: int, path: str, target: int, rights: int) -> None:
    rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, target), 12)
    if _syscall()(_ADD_RULE, ruleset_fd, ctypes.c_uint32(_RULE_PATH_BENEATH), rule, ctypes.c_uint32(0)) < 0:
        err = ctypes.get_errno()
        raise LandlockError(err, f"landlock_add_rule {path}: {os.strerror(err)}")


_OPENED: dict[int, list[tuple[str, int, bool]]] = {}


def _writable_files() -> list[tuple[str, int, bool]]:
    """``_WRITABLE_FILES`` that exist: (path, a path descriptor opened once per process, whether a folder). A
    warm worker makes a ruleset for every program; a process forked from it opens its own."""
    pid = os.getpid()
    if pid not in _OPENED:
        opened = []
        for path in _WRITABLE_FILES:
            if os.path.exists(path):
                opened.append((path, os.open(path, os.O_PATH | os.O_CLOEXEC), os.path.isdir(path)))
        _OPENED.clear()
        _OPENED[pid] = opened
    return _OPENED[pid]


def enforce(fd: int) -> None:
    """Confine this process (and what it later starts) by the ruleset ``fd``, then close it. Needs
    no_new_privs (or CAP_SYS_ADMIN)."""
    try:
        if _syscall()(_RESTRICT_SELF, fd, ctypes.c_uint32(0)) < 0:
            err = ctypes.get_errno()
            raise LandlockError(err, "landlock_restrict_self: " + os.strerror(err))
    finally:
        os.close(fd)


def restrict(writable: list[str], version: int) -> None:
    enforce(ruleset(writable, version))
