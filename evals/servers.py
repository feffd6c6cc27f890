"""A PostgreSQL server and a Chroma server on 127.0.0.1, in a temporary folder, for the tests and ``make bench``.

PostgreSQL is Debian's ``postgresql`` package (``make test`` installs it): ``initdb`` and ``pg_ctl`` run a server of
our own in the folder, as the ``postgres`` user when we are root (the server refuses to run as root), as ourselves
otherwise. Chroma is ``chroma run`` from the chromadb package. Both listen on a free port of 127.0.0.1 only and are
stopped (the folder removed) when the block ends. Each library gets its own PostgreSQL database and Chroma database.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

START_S = 60.0  # a server that does not answer by then has failed to start


@dataclass
class Servers:
    """Running servers: ``library()`` names a new, empty library on them."""

    postgres: str  # URL of the server's ``postgres`` database (to create others)
    chroma: str  # http://127.0.0.1:PORT
    _names: Iterator[int] = field(default_factory=itertools.count)

    def library(self, name: str = "lib") -> dict[str, str]:
        """``database_url`` and ``chroma_url`` of a new library (a database on each server)."""
        import psycopg

        db = f"{name}_{next(self._names)}_{os.getpid()}"
        with psycopg.connect(self.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        base = self.postgres.rsplit("/", 1)[0]
        return {"database_url": f"{base}/{db}", "chroma_url": f"{self.chroma}/{db}"}


@contextmanager
def running_servers() -> Iterator[Servers]:
    """Start both servers; stop them when the block ends."""
    root = Path(tempfile.mkdtemp(prefix="nianbao-servers-"))
    root.chmod(0o711)  # the postgres user goes through it to its own folder
    try:
        with _postgres(root / "pg") as postgres, _chroma(root / "chroma") as chroma:
            yield Servers(postgres, chroma)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def free_port() -> int:
    """A TCP port of 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("PostgreSQL is not installed: install Debian's postgresql package (make test does)")


@contextmanager
def _postgres(data: Path) -> Iterator[str]:
    bindir = _bindir()
    run_as: list[str] = []
    data.mkdir(parents=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(data, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "nianbao", "--auth=trust", "--no-locale", "-E", "UTF8"]
    _run([*run_as, *initdb])
    # a throwaway server: no fsync (a crash of the machine may lose it, nothing else)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c full_page_writes=off"
    ctl = [*run_as, str(bindir / "pg_ctl"), "-D", str(data)]
    _run([*ctl, "-l", str(data / "log"), "-o", options, "-w", "-t", str(int(START_S)), "start"])
    try:
        yield f"postgresql://nianbao@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True, check=False)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")


@contextmanager
def _chroma(path: Path) -> Iterator[str]:
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    path.mkdir(parents=True)
    log = (path.parent / "chroma.log").open("wb")
    command = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            with suppress(OSError):
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not start (see {path.parent / 'chroma.log'})")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
