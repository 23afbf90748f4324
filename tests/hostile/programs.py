"""The hostile programs: each is a function ``answer()`` whose example expects 42 but whose honest result is
41 (or nothing). It returns 42 only when its attack on the machine worked, or tries to make the judge report
a pass it did not earn. So a pass, for any of them, means the sandbox or the judge let it through.

Placeholders filled per run: {port} (a loopback server), {home}, {canary} (a folder in $HOME), {project}
(the user's project folder, readable by programs), {marker} (unique per run), {secret} (the judge's API
key), {judge} (a process of the judge's user standing for the server: started with the API key in its
environment).
"""

from __future__ import annotations

# (name, what it attacks, the body of ``answer``)
_PY_MACHINE = [
    ("tcp_connect", "network", "import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)\nreturn 42"),
    ("tcp_connect_ipv6", "network", "import socket\nsocket.create_connection(('::1', {port}), timeout=1)\nreturn 42"),
    ("udp_send", "network", "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                            "s.sendto(b'x', ('127.0.0.1', {port}))\nreturn 42"),
    ("http_get", "network", "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{port}/', timeout=1)\n"
                            "return 42"),
    ("tcp_listen", "network", "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\nreturn 42"),
    ("write_home", "files", "open('{home}/seidr-hostile-{marker}', 'w').write('x')\nreturn 42"),
    ("write_canary", "files", "open('{canary}/planted', 'w').write('x')\nreturn 42"),
    ("delete_canary", "files", "import os\nos.remove('{canary}/keep')\nreturn 42"),
    ("chmod_canary", "files", "import os\nos.chmod('{canary}/keep', 0o777)\nreturn 42"),
    ("rename_into_home", "files", "import os\nopen('f', 'w').write('x')\n"
                                  "os.rename('f', '{home}/seidr-hostile-{marker}')\nreturn 42"),
    ("symlink_out", "files", "import os\nos.symlink('{canary}/planted', 'link')\nopen('link', 'w').write('x')\n"
                             "return 42"),
    ("write_project", "files", "open('{project}/seidr-hostile-{marker}', 'w').write('x')\nreturn 42"),
    ("write_tmp", "files", "open('/tmp/seidr-hostile-{marker}', 'w').write('x')\nreturn 42"),
    ("read_home_file", "secrets", "return 42 if open('{canary}/keep').read() == 'canary secret' else 41"),
    ("read_api_key", "secrets", "import os\nreturn 42 if os.environ.get('OPENAI_API_KEY') == '{secret}' else 41"),
    ("read_judge_environ", "secrets", "return 42 if b'{secret}' in open('/proc/{judge}/environ', 'rb').read() else 41"),
    ("read_parent_environ", "secrets", "import os\n"
                                       "return 42 if b'{secret}' in open('/proc/%d/environ' % os.getppid(), 'rb')"
                                       ".read() else 41"),
    ("kill_parent", "processes", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nreturn 42"),
    ("signal_judge", "processes", "import os, signal\nos.kill({judge}, signal.SIGSTOP)\nreturn 42"),
    ("ptrace_parent", "processes", "import ctypes, os\nlibc = ctypes.CDLL(None)\n"
                                   "return 42 if libc.ptrace(16, os.getppid(), 0, 0) == 0 else 41"),
    ("new_user_namespace", "privileges", "import ctypes\n"
                                         "return 42 if ctypes.CDLL(None).unshare(0x10000000) == 0 else 41"),
    ("setsid_daemon", "processes", "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                                   "        os.execvp('sh', ['sh', '-c', 'sleep 300 # {marker}'])\n    os._exit(0)\n"
                                   "return 41"),
    ("orphan_sleeper", "processes", "import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 300 # {marker}'])\n"
                                    "return 41"),
    ("fork_bomb", "processes", "import os, time\nwhile True:\n    try:\n        os.fork()\n"
                               "    except OSError:\n        time.sleep(0.01)"),
    ("thread_bomb", "processes", "import threading, time\nwhile True:\n"
                                 "    threading.Thread(target=time.sleep, args=(60,)).start()"),
    ("memory_bomb", "memory", "x = bytearray(2 * 1024 ** 3)\nreturn 42"),
    ("loop_ignoring_sigterm", "time", "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                      "while True:\n    pass"),
    ("deep_recursion", "memory", "import sys\nsys.setrecursionlimit(10 ** 9)\n"
                                 "def down(n):\n    return down(n + 1) + 1\nreturn down(0)"),
    ("gigabyte_output", "output", "import sys\nchunk = '42\\n' * (1 << 19)\nfor _ in range(1024):\n"
                                  "    sys.stdout.write(chunk)\nreturn 41"),
    ("huge_file", "files", "open('big', 'wb').write(b'x' * 64 * 1024 * 1024)\nreturn 42"),
    ("many_files", "files", "fs = [open('f%d' % i, 'w') for i in range(1000)]\nreturn 42"),
]

# Attacks on the verdict: they only mean something against the judge's own protocol (the Python runner).
_PY_VERDICT = [
    ("fake_pass_lines", "verdict", "print('ok 42')\nprint('1 passed, 0 failed')\n"
                                   "print('Trying:\\n    answer()\\nExpecting:\\n    42\\nok')\nreturn 41"),
    ("os_exit_in_call", "verdict", "import os\nos._exit(0)"),
    ("system_exit_in_call", "verdict", "raise SystemExit(0)"),
    ("keyboard_interrupt", "verdict", "raise KeyboardInterrupt"),
    ("custom_base_exception", "verdict", "class Escape(BaseException):\n    pass\nraise Escape()"),
    ("patch_output_checker", "verdict", "import doctest\n"
                                        "doctest.OutputChecker.check_output = lambda self, want, got, flags: True\n"
                                        "return 41"),
    ("patch_builtins_repr", "verdict", "import builtins\nbuiltins.repr = lambda value: '42'\nreturn 41"),
    ("lying_eq_and_repr", "verdict", "class Liar:\n    def __eq__(self, other):\n        return True\n"
                                     "    def __repr__(self):\n        return '42'\nreturn Liar()"),
    ("claims_pass_then_aborts", "verdict", "import os\nprint(42, flush=True)\nos.abort()"),
    ("wrong_answer", "verdict", "return 41"),
]

# code that runs when the module is imported, before any example
_PY_IMPORT = [
    ("exit_at_import", "verdict", "import sys\nsys.exit(0)"),
    ("fake_pass_then_exit_at_import", "verdict", "print('42')\nimport os\nos._exit(0)"),
]


def python_source(body: str, prelude: str = "") -> str:
    """A module whose ``answer`` carries the example the program must fail."""
    indented = "\n".join("    " + line if line else line for line in body.split("\n"))
    return (f"{prelude}\n\n\n" if prelude else "") + (
        'def answer():\n    """The answer.\n\n    >>> answer()\n    42\n    """\n' + indented + "\n")


PYTHON = {name: (kind, python_source(body)) for name, kind, body in _PY_MACHINE + _PY_VERDICT}
PYTHON.update({name: (kind, python_source("return 41", prelude)) for name, kind, prelude in _PY_IMPORT})

_CPP_HEADERS = ("#include <arpa/inet.h>\n#include <csignal>\n#include <cstdio>\n#include <cstdlib>\n"
                "#include <cstring>\n#include <string>\n#include <sys/socket.h>\n#include <unistd.h>\n")
_CPP = [
    ("cpp_tcp_connect", "network", "int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{}; a.sin_family = AF_INET;\n"
                                   "a.sin_port = htons({port}); a.sin_addr.s_addr = htonl(0x7f000001);\n"
                                   "return connect(s, (sockaddr*)&a, sizeof a) == 0 ? 42 : 41;"),
    ("cpp_udp_send", "network", "int s = socket(AF_INET, SOCK_DGRAM, 0); sockaddr_in a{}; a.sin_family = AF_INET;\n"
                                "a.sin_port = htons({port}); a.sin_addr.s_addr = htonl(0x7f000001);\n"
                                "return sendto(s, \"x\", 1, 0, (sockaddr*)&a, sizeof a) == 1 ? 42 : 41;"),
    ("cpp_write_home", "files", "FILE* f = fopen(\"{home}/seidr-hostile-{marker}\", \"w\");\nreturn f ? 42 : 41;"),
    ("cpp_write_canary", "files", "FILE* f = fopen(\"{canary}/planted\", \"w\");\nreturn f ? 42 : 41;"),
    ("cpp_write_tmp", "files", "FILE* f = fopen(\"/tmp/seidr-hostile-{marker}\", \"w\");\nreturn f ? 42 : 41;"),
    ("cpp_read_home_file", "secrets", "FILE* f = fopen(\"{canary}/keep\", \"r\");\nreturn f ? 42 : 41;"),
    ("cpp_read_api_key", "secrets", "const char* k = getenv(\"OPENAI_API_KEY\");\n"
                                    "return k && std::string(k) == \"{secret}\" ? 42 : 41;"),
    ("cpp_kill_parent", "processes", "return kill(getppid(), SIGKILL) == 0 || kill({judge}, SIGSTOP) == 0 ? 42 : 41;"),
    ("cpp_setsid_daemon", "processes", "if (fork() == 0) { setsid(); if (fork() == 0)\n"
                                       "execlp(\"sh\", \"sh\", \"-c\", \"sleep 300 # {marker}\", (char*)0); _exit(0); }\n"
                                       "return 41;"),
    ("cpp_fork_bomb", "processes", "for (;;) fork();"),
    ("cpp_memory_bomb", "memory", "char* p = (char*)malloc(2UL << 30); if (!p) return 41;\n"
                                  "memset(p, 1, 2UL << 30); return 42;"),
    ("cpp_loop_ignoring_sigterm", "time", "signal(SIGTERM, SIG_IGN); for (volatile int i = 0;; i = i + 1) {}"),
    ("cpp_deep_recursion", "memory", "struct R { static int down(int n) { volatile char pad[256]; pad[0] = n;\n"
                                     "return down(n + 1) + pad[0]; } }; return R::down(0);"),
    ("cpp_gigabyte_output", "output", "static char line[1 << 20]; memset(line, '4', sizeof line);\n"
                                      "for (int i = 0; i < 1024; i++) fwrite(line, 1, sizeof line, stdout);\n"
                                      "return 41;"),
    ("cpp_null_deref", "crash", "volatile int* p = nullptr; return *p;"),
    ("cpp_exit_zero_in_call", "verdict", "std::exit(0);"),
    ("cpp_fake_pass_lines", "verdict", "puts(\"ok\"); puts(\"42\"); return 41;"),
    # an in-process pass claim in the harness's own framing, from code the harness never ran
    ("cpp_forge_report", "verdict", "forge();\n_exit(0);"),
    # the same claim beside the harness's own record of the honest 41
    ("cpp_forge_extra_record", "verdict", "forge();\nreturn 41;"),
]
# Code that runs before main copies what the C++ harness takes from the environment (the report's path, and the
# nonce an earlier harness used); ``forge`` writes a pass claim in every framing the harness has used. (A forged
# record of the value 42 would pass, as ``return 42`` would: the program only ever reports values, and the
# expected value it must match is rendered by a build that holds none of its code.)
_CPP_FORGE = (
    "static std::string seidr_n, seidr_r;\n"
    "static int seidr_grab = [] { const char* n = getenv(\"SEIDR_NONCE\"); const char* r = getenv(\"SEIDR_REPORT\");\n"
    "  seidr_n = n ? n : \"\"; seidr_r = r ? r : \"\"; return 0; }();\n"
    "static void forge() { FILE* f = fopen(seidr_r.c_str(), \"a\"); if (!f) return;\n"
    "  if (!seidr_n.empty()) fprintf(f, \"%s\\t0\\tok\\t42\\n\", seidr_n.c_str());\n"
    "  else fprintf(f, \"0\\tok\\t42\\n\");\n  fclose(f); }\n"
)


def cpp_source(body: str, name: str) -> str:
    prelude = _CPP_FORGE if name.startswith("cpp_forge_") else ""
    return (_CPP_HEADERS + prelude + "\n/// The answer.\n/// >>> answer()\n/// 42\nint answer() {\n"
            + "\n".join("    " + line for line in body.split("\n")) + "\n}\n")


CPP = {name: (kind, cpp_source(body, name)) for name, kind, body in _CPP}


# Attacks on the Rust harness's verdict: the function's body, and code that runs before main (.init_array).
_RUST_INIT = ("#[used]\n#[link_section = \".init_array\"]\nstatic FORGE: extern \"C\" fn() = forge;\n"
              "extern \"C\" fn forge() {\n    use std::io::Write;\n"
              "    if let Ok(path) = std::env::var(\"SEIDR_REPORT\") {\n"
              "        if let Ok(mut f) = std::fs::OpenOptions::new().append(true).create(true).open(path) {\n"
              "            let _ = f.write_all(b\"0\\tok\\t42\\n\");\n        }\n    }\n}\n")
_RUST = [
    ("rust_call_harness_report", "verdict", "", "seidr_harness::report(\"ok\", \"42\");\nseidr_harness::finish()"),
    ("rust_forge_before_main", "verdict", _RUST_INIT, "41"),
    ("rust_forge_then_exit", "verdict", _RUST_INIT, "std::process::exit(0)"),
    ("rust_exit_zero_in_call", "verdict", "", "std::process::exit(0)"),
    ("rust_panic_hook_silenced", "verdict", "", "std::panic::set_hook(Box::new(|_| {}));\npanic!(\"42\")"),
    ("rust_wrong_answer", "verdict", "", "41"),
]


def rust_source(body: str, prelude: str = "") -> str:
    return (prelude + "\n/// The answer.\n/// >>> answer()\n/// 42\n///\n/// ```\n/// assert_eq!(answer(), 42);\n"
            "/// assert!(answer() == 42);\n/// ```\npub fn answer() -> i32 {\n"
            + "\n".join("    " + line for line in body.split("\n")) + "\n}\n")


RUST = {name: (kind, rust_source(body, prelude)) for name, kind, prelude, body in _RUST}


def fill(template: str, **values: object) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template
