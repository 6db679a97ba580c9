"""Binder: ``binder/`` builds a lean runtime environment that runs the course.

repo2docker (what mybinder.org runs) uses ``binder/`` when it exists and then ignores the
root environment.yml (the full local conda environment that test_environment.py checks).
Checked here:

* binder/environment.yml: conda-forge only, Python 3.12, exactly the pins of pyproject's
  ``course`` extra (matplotlib as ``matplotlib-base``, which leaves out Qt), nothing from the
  ``test`` extra, not the package itself; every runtime dependency of the package is there
  (postBuild installs it with ``--no-deps``), and what pip installs needs nothing else.
* binder/postBuild: an executable bash script that stops on errors and runs
  ``pip install --no-deps .``. It is run for real, in a copy of the repository, on a
  virtual environment holding only what binder/environment.yml lists (from PyPI: the
  nearest we get to Binder's conda environment; built once, see _venv_cache.py); then
  every module of the package must import there and ``pip check`` must pass.
* repo2docker itself (pinned below; built once into a cached venv, see _venv_cache.py),
  run with ``--no-build``, which renders the Dockerfile without a Docker daemon: it picks
  the conda buildpack with binder/environment.yml, installs that before copying the
  repository (so a commit that leaves the file alone reuses the cached conda layer), never
  reads the root environment.yml, and runs binder/postBuild.

Not checked here: that conda-forge has these versions and can solve them together (no
conda-forge from the test machines); a real build on mybinder.org does that.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from _conda_env import CondaEnvironment, extra_pins, read_environment
from _venv_cache import CACHE_ROOT, cached_venv, locked
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from notebooks import project  # noqa: E402

ENVIRONMENT_FILE = ROOT / "binder" / "environment.yml"
POST_BUILD = ROOT / "binder" / "postBuild"
#: The repo2docker we check against (mybinder.org runs a recent release).
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"
#: The user mybinder.org's BinderHub builds images for (its `--user-id/--user-name`).
BINDER_UID, BINDER_USER = "1000", "jovyan"
#: PyPI name -> conda-forge name, where Binder installs a different package.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}
#: conda packages that are environment plumbing, not course dependencies.
PLUMBING = {"python", "pip"}


def binder_environment() -> CondaEnvironment:
    """binder/environment.yml, read (see _conda_env.py)."""
    assert ENVIRONMENT_FILE.is_file(), "binder/environment.yml is missing (Binder's environment)"
    return read_environment(ENVIRONMENT_FILE)


def provided() -> dict[str, str]:
    """``{PyPI name: version}`` of everything binder/environment.yml installs."""
    env = binder_environment()
    pypi_name = {conda_name: name for name, conda_name in CONDA_NAMES.items()}
    return {pypi_name.get(name, name): version for name, version in env.conda.items()} | env.pip


def test_channel_is_conda_forge_only() -> None:
    channels = binder_environment().data.get("channels")
    assert channels == ["conda-forge"], (
        f"binder/environment.yml: channels must be exactly [conda-forge], got {channels}"
    )


def test_python_is_312() -> None:
    conda = binder_environment().conda
    assert re.fullmatch(r"3\.12(\.\*|\.\d+)?", conda.get("python", "")), (
        f"binder/environment.yml must pin python=3.12 (what we test), got {conda.get('python')!r}"
    )


def test_every_course_pin_is_there_with_its_version() -> None:
    env = binder_environment()
    conda, pip = env.conda, env.pip
    problems = []
    for name, version in extra_pins("course").items():
        conda_name = CONDA_NAMES.get(name, name)
        have = conda.get(conda_name, pip.get(name))
        if have is None:
            problems.append(f"{name}=={version} (course extra) is missing")
        elif have != version:
            problems.append(f"{name}: pyproject pins {version}, binder has {have or 'no version'}")
    for name, conda_name in CONDA_NAMES.items():
        if name in conda:
            problems.append(f"conda {name!r} pulls in more than Binder needs: use {conda_name!r}")
    assert not problems, "binder/environment.yml and pyproject.toml disagree:\n" + "\n".join(
        problems
    )


def test_nothing_but_the_course_runtime() -> None:
    env = binder_environment()
    conda, pip, other = env.conda, env.pip, env.pip_other
    course, test = extra_pins("course"), extra_pins("test")
    allowed = {CONDA_NAMES.get(name, name) for name in course} | set(course) | PLUMBING
    problems = [f"{name} is a test tool (test extra)" for name in {*conda, *pip} & set(test)]
    problems += [
        f"{name} is not in pyproject's course extra"
        for name in {*conda, *pip} - allowed - set(test)
    ]
    problems += [
        f"pip line {line!r}: binder/postBuild installs the package (keeps the conda layer "
        "independent of the repository's other files)"
        for line in other
    ]
    assert not problems, "binder/environment.yml is not runtime only:\n" + "\n".join(problems)


def test_package_dependencies_are_provided() -> None:
    """postBuild installs with ``--no-deps``: whatever the package needs must be here."""
    have = provided()
    problems = []
    for line in project()["dependencies"]:
        req = Requirement(line)
        version = have.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name} (a dependency in pyproject) is not installed")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name} {version} is outside the package's range {req.specifier}")
    assert not problems, "binder/environment.yml lacks runtime dependencies:\n" + "\n".join(
        problems
    )


def test_pip_packages_need_nothing_else() -> None:
    """A pip-installed package must find its requirements in the conda list; otherwise pip
    fetches unpinned versions. Read from this environment's copy (same pinned version)."""
    have = provided()
    problems, unread = [], []
    for name, version in binder_environment().pip.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            unread.append(f"{name}=={version} (here: {installed})")
            continue
        for line in metadata.requires(name) or []:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(req.name) not in have:
                problems.append(f"pip's {name}=={version} needs {req}, which binder does not pin")
    assert not problems, "\n".join(problems)
    if unread:
        pytest.skip(f"not installed here at the pinned version, requirements unread: {unread}")


def post_build_commands() -> list[str]:
    """binder/postBuild's commands: its lines without comments and blank lines."""
    assert POST_BUILD.is_file(), "binder/postBuild is missing (it installs the course package)"
    return [
        s
        for line in POST_BUILD.read_text().splitlines()
        if (s := line.split(" #")[0].strip()) and not s.startswith("#")
    ]


def test_post_build_is_an_executable_bash_script() -> None:
    assert POST_BUILD.is_file(), "binder/postBuild is missing (it installs the course package)"
    assert os.access(POST_BUILD, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    text = POST_BUILD.read_text()
    assert b"\r" not in POST_BUILD.read_bytes(), "binder/postBuild has Windows line endings"
    assert text.splitlines()[0] in ("#!/bin/bash", "#!/usr/bin/env bash"), (
        f"binder/postBuild must start with #!/bin/bash, got {text.splitlines()[0]!r}"
    )


def test_post_build_stops_on_errors() -> None:
    first = post_build_commands()[0]
    flags = re.match(r"set -([a-z]+)", first)
    assert flags and "e" in flags.group(1) and "pipefail" in first, (
        f"binder/postBuild must start with `set -euo pipefail`, got {first!r}"
    )


def test_post_build_installs_the_package_without_dependencies() -> None:
    installs = []
    for command in post_build_commands():
        words = shlex.split(command)
        if "pip" in words and "install" in words:
            installs.append(words[words.index("install") + 1 :])
    assert installs, "binder/postBuild must run `pip install --no-deps .`"
    for args in installs:
        targets = [a for a in args if not a.startswith("-")]
        assert targets == ["."] and "--no-deps" in args, (
            f"binder/postBuild: want `pip install --no-deps .`, got `pip install {' '.join(args)}`"
        )
        assert not {"-e", "--editable"} & set(args), (
            "binder/postBuild: install the package, not an editable link (`-e`)"
        )


def test_launch_links_open_jupyterlab_at_a_lesson() -> None:
    """README's Binder badge opens ``lab/tree/<a file>``: that needs JupyterLab in the
    environment and the file in the repository (the image's home is the repository)."""
    assert "jupyterlab" in provided(), "binder/environment.yml must install jupyterlab"
    readme = (ROOT / "README.md").read_text()
    paths = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]*\?urlpath=lab/tree/([^)\s&#]+)", readme)
    assert "lessons/00_welcome.ipynb" in paths, (
        f"README's Binder badge should open lab/tree/lessons/00_welcome.ipynb, opens {paths}"
    )
    missing = [p for p in paths if not (ROOT / p).is_file()]
    assert not missing, f"README's Binder links open files that do not exist: {missing}"


@pytest.mark.parametrize("extras", [(), ("course", "no-such-extra")])
def test_extra_pins_refuses_unknown_extras(extras: tuple) -> None:
    with pytest.raises(ValueError, match="extras must name"):
        extra_pins(*extras)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (None, "does not exist"),
        ("- a list\n", "mapping"),
        ('dependencies: ["a b"]\n', "cannot read"),
    ],
)
def test_read_environment_refuses_what_it_cannot_read(tmp_path, text, match) -> None:
    path = tmp_path / "environment.yml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_environment(path)


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        (("Repo2Docker", [REPO2DOCKER]), {}, ValueError),  # name: a folder name, lower case
        (("repo2docker", REPO2DOCKER), {}, TypeError),  # one string, not a list of them
        (("repo2docker", []), {}, ValueError),
        (("repo2docker", [REPO2DOCKER]), {"path_entry": ROOT / "no-such-folder"}, ValueError),
        (("repo2docker", [REPO2DOCKER]), {"base_python": ROOT}, ValueError),
        (("repo2docker", [REPO2DOCKER]), {"pip_options": "--no-deps"}, ValueError),
    ],
)
def test_cached_venv_refuses_bad_arguments(args: tuple, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        cached_venv(*args, **kwargs)


# repo2docker, without building: which buildpack it picks and the Dockerfile it renders.

#: Runs in repo2docker's venv: the buildpack repo2docker picks for the folder argv[1]
#: (the loop of ``Repo2Docker.build``) and what it found there.
PICK = """
import json, os, sys
from repo2docker.app import Repo2Docker
r2d = Repo2Docker()
os.chdir(sys.argv[1])
bp = next(bp for bp in (BP(base_image=r2d.base_image) for BP in r2d.buildpacks) if bp.detect())
print(json.dumps({
    "buildpack": type(bp).__name__,
    "environment": getattr(bp, "environment_yaml_path", None),
    "python": getattr(bp, "python_version", None),
    "post_build": bp.get_post_build_scripts(),
}))
"""


@pytest.fixture(scope="module")
def repo2docker(tmp_path_factory) -> dict:
    """``{"pick": ..., "dockerfile": ..., "log": ...}`` for this repository."""
    python = cached_venv("repo2docker", [REPO2DOCKER])
    cwd = tmp_path_factory.mktemp("repo2docker")  # no stray repo2docker_config is read
    # No daemon to talk to: proves --no-build needs none (as on CI without Docker).
    env = os.environ | {"DOCKER_HOST": f"unix://{cwd}/no-docker.sock"}

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(python), *args],
            check=False,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"repo2docker failed:\n{done.stdout[-2000:]}{done.stderr}"
        return done

    rendered = run(
        "-m", "repo2docker", "--no-build", "--debug",
        "--user-id", BINDER_UID, "--user-name", BINDER_USER, str(ROOT),
    )  # fmt: skip
    pick = json.loads(run("-c", PICK, str(ROOT)).stdout.strip().splitlines()[-1])
    return {"pick": pick, "dockerfile": rendered.stdout, "log": rendered.stderr}


def test_repo2docker_picks_conda_with_the_binder_files(repo2docker: dict) -> None:
    assert repo2docker["pick"] == {
        "buildpack": "CondaBuildPack",
        "environment": "binder/environment.yml",
        "python": "3.12",
        "post_build": ["binder/postBuild"],
    }
    assert "Building conda environment for python=3.12" in repo2docker["log"]


def dockerfile_line(dockerfile: list[str], pattern: str, what: str) -> int:
    """Index of the one line of ``dockerfile`` matching ``pattern``."""
    found = [i for i, line in enumerate(dockerfile) if re.search(pattern, line)]
    assert len(found) == 1, f"the Dockerfile should {what} once, found lines {found}"
    return found[0]


def test_conda_layer_comes_before_the_repository(repo2docker: dict) -> None:
    lines = repo2docker["dockerfile"].splitlines()
    copy_env = dockerfile_line(
        lines,
        r"^COPY .*src/binder/environment\.yml ",
        "copy binder/environment.yml before the repository (it does only when the file's pip "
        "list names no local path such as `-e .`)",
    )
    install_env = dockerfile_line(
        lines, r'env update .*--file "?binder/environment\.yml', "install binder/environment.yml"
    )
    copy_repo = dockerfile_line(
        lines,
        rf"^COPY --chown={BINDER_UID}:{BINDER_UID} src/ ",
        "copy the repository as the notebook user (postBuild's pip builds in it)",
    )
    post_build = dockerfile_line(lines, r"^RUN \./binder/postBuild$", "run binder/postBuild")
    assert copy_env < install_env < copy_repo < post_build, (
        "want: copy binder/environment.yml, install it, copy the repository, run postBuild; "
        f"got lines {copy_env}, {install_env}, {copy_repo}, {post_build}"
    )
    early = [line for line in lines[:copy_repo] if re.match(r"COPY .*\bsrc/", line)]
    assert early == [lines[copy_env]], (
        f"only binder/environment.yml may enter the image before the repository: {early}"
    )


def test_root_environment_is_ignored(repo2docker: dict) -> None:
    uses = re.findall(r"\S*environment\.ya?ml", repo2docker["dockerfile"])
    assert uses and all(u.endswith("binder/environment.yml") for u in uses), (
        f"the Dockerfile should use binder/environment.yml only, uses {uses}"
    )


# binder/postBuild, run for real on the packages binder/environment.yml lists (from PyPI).

#: Runs in that environment, outside the repository: import every module of the package.
IMPORT_ALL = """
import importlib, json, pkgutil, mesa_models
names = [m.name for m in pkgutil.walk_packages(mesa_models.__path__, "mesa_models.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"file": mesa_models.__file__, "modules": len(names)}))
"""


def not_in_git() -> list[str]:
    """The names .gitignore leaves out (and .git): Binder's copy of the repository lacks them."""
    lines = (ROOT / ".gitignore").read_text().splitlines()
    return [".git"] + [s.rstrip("/") for line in lines if (s := line.strip()) and s[0] != "#"]


@pytest.fixture(scope="module")
def runtime_python() -> Path:
    """Python of an environment with exactly binder/environment.yml's packages (PyPI names)."""
    pins = [f"{name}=={version}" for name, version in sorted(provided().items())]
    return cached_venv("binder-runtime", [p for p in pins if p.split("==")[0] not in PLUMBING])


def test_post_build_installs_a_course_that_imports(runtime_python: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(*not_in_git()))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{runtime_python.parent}{os.pathsep}{env.get('PATH', '')}"

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=300
        )

    # The environment is shared with other test runs: one at a time, and leave it clean.
    with locked(CACHE_ROOT / "risklab-binder-runtime"):
        try:
            built = run(str(repo / "binder" / "postBuild"), cwd=repo)
            said = built.stdout[-1500:] + built.stderr[-1500:]
            if built.returncode and re.search(r"No matching distribution|connection", said, re.I):
                pytest.skip(f"postBuild's pip could not reach PyPI (build requirements): {said}")
            assert built.returncode == 0, f"binder/postBuild failed:\n{said}"
            imported = run(str(runtime_python), "-P", "-c", IMPORT_ALL, cwd=tmp_path)
            assert imported.returncode == 0, (
                f"the package does not import with Binder's packages:\n{imported.stderr[-3000:]}"
            )
            checked = run(str(runtime_python), "-m", "pip", "check", cwd=tmp_path)
            assert checked.returncode == 0, f"pip check:\n{checked.stdout}{checked.stderr}"
        finally:
            run(str(runtime_python), "-m", "pip", "uninstall", "-y", "-q", project()["name"],
                cwd=tmp_path)  # fmt: skip
    report = json.loads(imported.stdout.strip().splitlines()[-1])
    installed = Path(report["file"]).resolve()
    assert installed.is_relative_to(runtime_python.parent.parent.resolve()), (
        f"imported {installed}, not the installed package"
    )
    assert report["modules"] > 10, f"only {report['modules']} modules found under mesa_models"
