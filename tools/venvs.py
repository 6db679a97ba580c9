"""Side virtual environments, each built once per set of requirements and reused.

Some tools and tests need packages the course environment must not contain: JupyterLite's
build tools (tools/build_lite.py), repo2docker, Colab's versions, Sphinx (tests).
:func:`cached_venv` builds such an environment with pip, once, under
``~/.cache/risklab-<name>/<key>`` (``$XDG_CACHE_HOME`` if set), where the key hashes the
interpreters, the requirements, the pip options and any ``key_text``; a ``.ready`` marker
says the build finished, so later runs take no time. A file lock keeps two processes on one
machine from building the same environment at once. When pip cannot build it (no network,
no wheel), :class:`VenvBuildError` says why (tests turn it into a skip: tests/_venv_cache.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock, as before
    fcntl = None

CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
INSTALL_TIMEOUT = 420  # s


class VenvBuildError(RuntimeError):
    """pip (or venv) could not build a side environment: no network, no wheel, ..."""


def venv_python(venv: Path) -> Path:
    """The interpreter of the virtual environment ``venv``."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (two test runs on one machine share the cache)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def cached_venv(
    name: str,
    requirements: Sequence[str],
    *,
    key_text: str = "",
    path_entry: Path | None = None,
    base_python: Path | None = None,
    pip_options: Sequence[str] = (),
) -> Path:
    """Python of a virtual environment with ``requirements``, built once and cached.

    ``name`` names the cache folder (``risklab-<name>``); only the newest environment is
    kept there. ``key_text`` is extra text that forces a rebuild when it changes (e.g.
    pyproject.toml). ``path_entry`` is put on the environment's path with a ``.pth`` file
    (to test a working tree without installing it). ``base_python`` makes the environment
    (default: this interpreter); ``pip_options`` go to ``pip install`` (e.g. ``--no-deps``).
    Raises :class:`VenvBuildError` with pip's reason when the build fails.
    """
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"name must be lower-case letters, digits and '-', got {name!r}")
    if isinstance(requirements, str) or not isinstance(requirements, Sequence):
        raise TypeError(f"requirements must be a list of strings, got {requirements!r}")
    if not requirements or not all(isinstance(r, str) and r.strip() for r in requirements):
        raise ValueError(f"requirements must be non-empty strings, got {requirements!r}")
    if path_entry is not None and not Path(path_entry).is_dir():
        raise ValueError(f"path_entry must be an existing folder, got {path_entry!r}")
    if base_python is not None and not Path(base_python).is_file():
        raise ValueError(f"base_python must be an interpreter's path, got {base_python!r}")
    if isinstance(pip_options, str) or not all(
        isinstance(o, str) and o.startswith("-") for o in pip_options
    ):
        raise ValueError(
            f"pip_options must be a list of options like '--no-deps', got {pip_options!r}"
        )
    base = str(base_python or sys.executable)
    cache = CACHE_ROOT / f"risklab-{name}"
    key = hashlib.sha256(
        "\n".join(
            [sys.version, base, key_text, str(path_entry), *pip_options, *requirements]
        ).encode()
    ).hexdigest()[:16]
    venv = cache / key
    python = venv_python(venv)
    with locked(cache):
        if (venv / ".ready").exists() and python.exists():
            return python
        for old in cache.iterdir():  # keep one environment: drop those of older keys
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        print(f"\n[{name}] building {venv} (once; later runs reuse it)", flush=True)
        try:
            subprocess.run(
                [base, "-m", "venv", str(venv)],
                check=True,
                capture_output=True,
                timeout=120,
            )
            result = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
                + [*pip_options, *requirements],
                check=False,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except (subprocess.SubprocessError, OSError) as error:
            shutil.rmtree(venv, ignore_errors=True)
            raise VenvBuildError(f"cannot build the {name} environment: {error}") from error
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            noise = "is ignored: it is neither a file nor a directory"  # some pip set-ups
            said = "\n".join(l for l in result.stderr.splitlines() if noise not in l).strip()
            raise VenvBuildError(
                f"cannot build the {name} environment (no network or PyPI?): "
                f"pip said {said[-400:]}"
            )
        if path_entry is not None:
            site = subprocess.run(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout.strip()
            Path(site, "risklab-repository.pth").write_text(f"{Path(path_entry).resolve()}\n")
        (venv / ".ready").write_text("\n".join(requirements) + "\n")
    return python
