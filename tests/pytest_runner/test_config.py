"""Where pytest's settings for a folder come from, found as pytest finds them, and which of ``addopts`` a judged
run keeps."""

from __future__ import annotations

from pathlib import Path

from seidr.runners.pytest_config import conftests, kept_options, locate


def test_the_first_file_holding_pytest_settings_going_up_wins(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "setup.cfg").write_text("[metadata]\nname = x\n")  # no [tool:pytest]: passed over
    found = locate(str(tmp_path / "sub"))
    assert (found.rootdir, found.inifile) == (str(tmp_path), str(tmp_path / "pyproject.toml"))
    assert found.words("testpaths") == ["tests"]
    (tmp_path / "sub" / "tox.ini").write_text("[pytest]\npython_files = check_*.py\naddopts = -q --strict-markers\n")
    found = locate(str(tmp_path / "sub"))
    assert found.rootdir == str(tmp_path / "sub") and found.words("python_files") == ["check_*.py"]


def test_a_pytest_ini_counts_even_without_a_section_and_setup_cfg_by_its_section(tmp_path: Path):
    (tmp_path / "pytest.ini").write_text("")
    assert locate(str(tmp_path)).inifile == str(tmp_path / "pytest.ini")
    other = tmp_path / "other"
    other.mkdir()
    (other / "setup.cfg").write_text("[tool:pytest]\nnorecursedirs = legacy build\n")
    assert locate(str(other)).words("norecursedirs") == ["legacy", "build"]


def test_without_settings_a_pyproject_or_setup_py_marks_the_rootdir(tmp_path: Path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "pkg").mkdir()
    assert locate(str(tmp_path / "pkg")).rootdir == str(tmp_path)
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    found = locate(str(tmp_path / "pkg"))
    assert (found.rootdir, found.values) == (str(tmp_path / "pkg"), {})


def test_only_options_that_change_what_a_test_does_are_kept(tmp_path: Path):
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -q -x --cov=pkg -n 4 --import-mode=importlib -p no:randomly -Werror "
        "--strict-markers --timeout 5 -k slow\n")
    assert kept_options(locate(str(tmp_path))) == [
        "--import-mode=importlib", "-p", "no:randomly", "-Werror", "--strict-markers", "--timeout", "5"]


def test_conftests_from_the_rootdir_down_to_the_test(tmp_path: Path):
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    for folder in (tmp_path, tmp_path / "tests" / "unit"):
        (folder / "conftest.py").write_text("")
    assert conftests(str(tmp_path), str(tmp_path / "tests" / "unit" / "test_x.py")) == [
        str(tmp_path / "conftest.py"), str(tmp_path / "tests" / "unit" / "conftest.py")]
