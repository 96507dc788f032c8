"""A library imported under logging_deferred() names its logger without loading logging, and logs as before.

Each case runs in a fresh interpreter: the test runner has loaded logging long ago, and then the stand-in
is (rightly) never used.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from support.filtermode import child_env

# A library that names its logger at import time, as selectolax's lexbor module does.
NAMES_ITS_LOGGER = "import logging\nlog = logging.getLogger('lib.named')\n"
# One that uses more of logging at import time.
USES_MORE = "import logging\nQUIET = logging.NullHandler\nlog = logging.getLogger('lib.more')\n"


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "lib_named.py").write_text(NAMES_ITS_LOGGER)
    (tmp_path / "lib_more.py").write_text(USES_MORE)
    env = child_env()
    env["PYTHONPATH"] = f"{tmp_path}:{env['PYTHONPATH']}"
    prelude = "import sys\nfrom mailcheck.deferred_logging import logging_deferred\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, timeout=60, check=True)


def test_the_logger_is_named_without_loading_logging_and_logs_on_first_use(tmp_path: Path) -> None:
    done = run("""
        with logging_deferred():
            import lib_named
        print("logging" in sys.modules)
        lib_named.log.warning("said once")  # logging's last-resort handler: the message on stderr
        import logging
        print(lib_named.log.name, lib_named.log.getEffectiveLevel() == logging.WARNING)
        handler = logging.NullHandler()
        lib_named.log.addHandler(handler)
        print(logging.getLogger("lib.named").handlers == [handler])
    """, tmp_path)
    assert done.stdout.split() == ["False", "lib.named", "True", "True"]
    assert done.stderr == "said once\n"


def test_anything_else_asked_of_logging_loads_the_real_module(tmp_path: Path) -> None:
    done = run("""
        with logging_deferred():
            import lib_more
        import logging
        print(lib_more.QUIET is logging.NullHandler, type(sys.modules["logging"]).__name__)
        logging.basicConfig(format="%(name)s:%(message)s")
        lib_more.log.error("formatted")
    """, tmp_path)
    assert done.stdout.split() == ["True", "module"]
    assert done.stderr == "lib.more:formatted\n"


def test_logging_already_loaded_or_other_threads_running_means_no_stand_in(tmp_path: Path) -> None:
    done = run("""
        import logging
        with logging_deferred():
            import lib_named
        print(type(lib_named.log) is logging.Logger)
    """, tmp_path)
    assert done.stdout.split() == ["True"]
    done = run("""
        import threading
        stop = threading.Event()
        worker = threading.Thread(target=stop.wait)
        worker.start()
        with logging_deferred():
            import lib_named
        print("logging" in sys.modules)
        stop.set()
        worker.join()
    """, tmp_path)
    assert done.stdout.split() == ["True"]


def test_selectolax_logs_through_the_real_logging(tmp_path: Path) -> None:
    done = run("""
        from mailcheck.parse.urls import html_lexbor
        import selectolax.lexbor
        print("logging" in sys.modules)
        import logging
        logging.basicConfig(format="%(name)s %(levelname)s %(message)s")
        selectolax.lexbor.logger.error("Attempt to unwrap removed node. Does nothing.")
        found, note = html_lexbor.lexbor_part_links('<a href="http://x.example/">x</a>')
        print([r.href for r in found], note)
    """, tmp_path)
    assert done.stdout.splitlines() == ["False", "['http://x.example/'] None"]
    assert done.stderr == "selectolax ERROR Attempt to unwrap removed node. Does nothing.\n"
