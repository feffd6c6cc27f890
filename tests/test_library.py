"""One writer per library across processes; readers see finished commits without a restart and never fail."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evals.soak import ask_in_a_new_process, body_name, ingest_process, library_health, renamed_reports
from service.app import Services
from service.config import Settings
from service.library import ingest
from service.locks import FolderLock
from tests.conftest import SAMPLES


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "first"
    folder.mkdir()
    for name in ("003_9da54bdadbdcae0a.txt", "001_8b9db0a3de107dcf.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    home = tmp_path / "home"
    ingest([folder], Settings(home=home, embedding="hash"), progress=False)
    return home


def test_two_ingests_at_once_wait_for_each_other_and_corrupt_nothing(home: Path, tmp_path: Path) -> None:
    a = renamed_reports(tmp_path / "a", [body_name(1), body_name(2), body_name(9)])
    b = renamed_reports(tmp_path / "b", [body_name(3), body_name(4), body_name(9)])  # the last one is in both
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with FolderLock(home).writer(0):  # the library is busy: both wait (and say so), then run one after the other
        writers = [ingest_process(home, a[0].parent, log=logs[0]), ingest_process(home, b[0].parent, log=logs[1])]
        while not all("waiting up to 600 s" in log.read_text(encoding="utf-8") for log in logs):
            assert all(w.poll() is None for w in writers), [log.read_text(encoding="utf-8") for log in logs]
            time.sleep(0.1)
    assert [w.wait(timeout=300) for w in writers] == [0, 0], [log.read_text(encoding="utf-8") for log in logs]
    assert all("is being written by pid" in log.read_text(encoding="utf-8") for log in logs)
    health = library_health(home)
    assert health.reports == 2 + 5 and max(health.issuers.values()) == 1
    assert health.corruptions == 0 and health.vectors == health.chunks > 0
    fresh = ask_in_a_new_process(home, f"{body_name(9)}2023年收到多少件申请")
    assert fresh.returncode == 0 and '"value": 20' in fresh.stdout


def test_a_writer_that_waited_too_long_gives_up_with_one_line(home: Path, tmp_path: Path) -> None:
    folder = renamed_reports(tmp_path / "a", [body_name(1)])[0].parent
    with FolderLock(home).writer(0):
        late = ingest_process(home, folder, NIANBAO_LOCK_WAIT_S="0.5")
        out, err = late.communicate(timeout=300)
    assert late.returncode == 1 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("nianbao: ") and "gave up after 0.5 s" in err
    assert library_health(home).reports == 2


def test_the_app_sees_another_process_ingest_without_a_restart(home: Path, tmp_path: Path) -> None:
    services = Services(Settings(home=home, embedding="hash"))
    assert "巨各庄镇" in services.ask("巨各庄镇在依申请公开方面存在什么问题？").answer  # the index is loaded now
    names = [body_name(n) for n in range(1, 9)]
    writer = ingest_process(home, renamed_reports(tmp_path / "new", names)[0].parent)
    errors: list[str] = []
    questions = ["巨各庄镇在依申请公开方面存在什么问题？", "哪个乡镇收到的申请最多", "卷硐镇2023年收到多少件申请"]

    def ask(question: str) -> None:
        try:
            services.ask(question)
        except Exception as exc:
            errors.append(f"{question}: {type(exc).__name__}: {exc}")

    asked = 0
    with ThreadPoolExecutor(max_workers=20) as pool:
        while writer.poll() is None or asked == 0:
            list(pool.map(ask, [questions[i % 3] for i in range(20)]))
            asked += 20
    assert writer.returncode == 0, writer.communicate()
    assert errors == []
    for name in names:  # each new report, by number and by text, from the app that was running all along
        assert services.ask(f"{name}2023年收到多少件申请").value == 20
        text = services.ask(f"{name}在依申请公开方面存在什么问题？")
        assert text.citations and {c.issuer for c in text.citations} == {name}
    assert len(services.records()) == 2 + 8


def test_a_reader_never_sees_half_a_commit(home: Path) -> None:
    services = Services(Settings(home=home, embedding="hash"))
    library = services._library
    seen: list[int] = []

    def read() -> None:
        with library.reading() as (store, _):
            seen.append(len(store.reports()))

    with library.writing(), library.commit() as (store, _):
        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.5)  # the reader waits for the commit; it has not read yet
        assert seen == []
        record = services.extract("巨各庄镇.txt", (SAMPLES / "003_9da54bdadbdcae0a.txt").read_bytes())
        record["source"]["sha256"] = "0" * 64
        store.put(record, {}, [], now="2024-01-01")
    reader.join(timeout=60)
    assert seen == [3]
