"""What ``pytest --doctest-modules`` passes, ``seidr check`` passes: a package whose module imports its
siblings, the project's doctest_optionflags and pytest's own flags; and a miss says where texts differ."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import seidr_command

PACKAGE = {
    "pkg/__init__.py": "from .mod import *\nfrom .helpers import *\n",
    "pkg/helpers.py": 'def triple(x):\n    """\n    >>> triple(2)\n    6\n    """\n    return 3 * x\n',
    "pkg/mod.py": ('from .helpers import triple\n\n__all__ = ["quad", "sextuple"]\n\n\n'
                   'def quad(x):\n    """\n    >>> from pkg import quad\n    >>> quad(2)\n    8\n    """\n'
                   '    return 4 * x\n\n\ndef sextuple(x):\n    """\n    >>> sextuple(1)\n    6\n    """\n'
                   '    return 2 * triple(x)\n'),
}

FLAGS = '''\
def ratio():
    """
    >>> ratio()
    0.333
    >>> [ratio(),
    ...  ratio()]
    [0.333,   0.333]
    >>> b'x'  # doctest: +ALLOW_BYTES
    'x'
    """
    return 1 / 3
'''


def write(root, files: dict) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def both(workspace, target):
    seidr = subprocess.run([*seidr_command(), "check", target, "--no-tests"], cwd=workspace, capture_output=True,
                           text=True, timeout=120)
    pytest = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules",
                             target], cwd=workspace, capture_output=True, text=True, timeout=120)
    return seidr, pytest


def test_a_module_that_imports_its_package_and_siblings_runs_after_its_package(workspace):
    write(workspace, PACKAGE)
    seidr, pytest = both(workspace, "pkg")
    assert pytest.returncode == 0, pytest.stdout
    assert seidr.returncode == 0, seidr.stdout
    assert "pkg/mod.py:6 quad 2/2 examples pass" in seidr.stdout.splitlines()


def test_the_projects_doctest_optionflags_and_pytests_own_flags_apply(workspace):
    write(workspace, {"ratio.py": FLAGS, "pyproject.toml":
                      '[tool.pytest.ini_options]\ndoctest_optionflags = ["NUMBER", "NORMALIZE_WHITESPACE"]\n'})
    seidr, pytest = both(workspace, "ratio.py")
    assert pytest.returncode == 0, pytest.stdout
    assert seidr.returncode == 0 and seidr.stdout.splitlines()[0] == "ratio.py:1 ratio 3/3 examples pass"
    (workspace / "pytest.ini").write_text("[pytest]\n")  # the nearer configuration, with no flags, wins
    seidr, pytest = both(workspace, "ratio.py")
    assert pytest.returncode != 0 and seidr.returncode == 1


def test_a_miss_in_whitespace_alone_shows_the_difference(workspace):
    write(workspace, {"pad.py": 'def pad():\n    """\n    >>> pad()\n    [(0, 1)] \n    """\n    return [(0, 1)]\n'})
    seidr, pytest = both(workspace, "pad.py")
    assert pytest.returncode != 0 and seidr.returncode == 1
    assert seidr.stdout.splitlines()[1] == (
        "pad.py:3: expected [(0, 1)], got [(0, 1)] (differs in whitespace only: expected '[(0, 1)] \\n', "
        "got '[(0, 1)]\\n')")


RESHAPED = '''\
class Stats:
    """Numbers and what they add up to."""

    label = None

    def __init__(self, data):
        self.data = data

    def _calc_total(self):
        """
        >>> Stats([1, 2]).total
        3
        """
        return sum(self.data)


for _name in [n for n in vars(Stats) if n.startswith("_calc_")]:
    _func = getattr(Stats, _name)
    setattr(Stats, _name[len("_calc_"):], property(_func, doc=_func.__doc__))
    delattr(Stats, _name)
'''


def test_module_code_that_reshapes_its_names_at_import_still_runs_their_examples(workspace):
    write(workspace, {"stats.py": RESHAPED})
    seidr, pytest = both(workspace, "stats.py")
    assert pytest.returncode == 0, pytest.stdout
    assert seidr.returncode == 0, seidr.stdout
    assert seidr.stdout.splitlines()[0] == "stats.py:9 Stats._calc_total 1/1 examples pass"


DOCUMENTED = '''\
"""Shapes.

>>> Square(2).area()
4
"""


class Square:
    """A square.

    >>> Square(3).side
    3
    """

    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side * self.side
'''


def test_class_and_module_docstrings_are_checked_and_never_offered_for_synthesis(workspace):
    write(workspace, {"shapes.py": DOCUMENTED})
    seidr, pytest = both(workspace, "shapes.py")
    assert pytest.returncode == 0, pytest.stdout
    assert seidr.stdout.splitlines()[:2] == ["shapes.py:1 <module> 1/1 examples pass",
                                             "shapes.py:8 Square 1/1 examples pass"]
    write(workspace, {"shapes.py": DOCUMENTED.replace("self.side * self.side", "self.side + self.side + 1")})
    seidr, _ = both(workspace, "shapes.py")
    assert seidr.returncode == 1 and "shapes.py:3: expected 4, got 5" in seidr.stdout
    synth = subprocess.run([*seidr_command(), "synth", "shapes.py"], cwd=workspace, capture_output=True,
                           text=True, timeout=120)
    assert "nothing to do" in synth.stderr and (workspace / "shapes.py").read_text().count("+ 1") == 1


def test_examples_of_the_users_own_code_see_the_project_from_its_rootdir_and_never_change_it(workspace):
    reader = ('def first_line():\n    """\n    >>> first_line()\n    \'hello\'\n    """\n'
              '    with open("data/greeting.txt") as fh:\n        return fh.readline().strip()\n')
    # as boltons' AtomicSaver does: a new file written beside, then renamed over its final name
    saver = ('import os\n\n\ndef save(text):\n    """\n    >>> save("x")\n    >>> open("notes.txt").read()\n'
             '    \'x\'\n    """\n    with open("notes.txt.part", "w") as fh:\n        fh.write(text)\n'
             '    os.replace("notes.txt.part", "notes.txt")\n')
    write(workspace, {"pytest.ini": "[pytest]\n", "data/greeting.txt": "hello\n", "pkg/__init__.py": "",
                      "pkg/reader.py": reader, "pkg/saver.py": saver})
    seidr, pytest = both(workspace, "pkg")
    assert pytest.returncode == 0, pytest.stdout
    (workspace / "notes.txt").unlink()  # what pytest wrote
    assert seidr.returncode == 0, seidr.stdout
    assert {"pkg/reader.py:1 first_line 1/1 examples pass", "pkg/saver.py:4 save 2/2 examples pass"} <= set(
        seidr.stdout.splitlines())
    assert not (workspace / "notes.txt").exists()  # seidr's run wrote only in its scratch folder
    overwrite = 'def spoil():\n    """\n    >>> spoil()\n    """\n    open("data/greeting.txt", "w").write("bye")\n'
    write(workspace, {"pkg/spoil.py": overwrite})
    seidr = subprocess.run([*seidr_command(), "check", "pkg/spoil.py", "--no-tests"], cwd=workspace,
                           capture_output=True, text=True, timeout=120)
    assert seidr.returncode == 1 and (workspace / "data/greeting.txt").read_text() == "hello\n"


def test_a_right_value_that_doctest_would_fail_passes_and_says_so(workspace):
    write(workspace, {"spelled.py": 'def name():\n    """\n    >>> name()\n    "Odin"\n    """\n    return "Odin"\n'})
    seidr, pytest = both(workspace, "spelled.py")
    assert pytest.returncode != 0  # doctest compares the text
    assert seidr.returncode == 0 and seidr.stdout.splitlines()[:2] == [
        "spelled.py:1 name 1/1 examples pass",
        "spelled.py:3: note: passes as a value, but doctest compares text and fails it: printed 'Odin'"]
