"""The HTML report in a real browser (issue 10 item 2): headless Chromium renders it with no console message (a
CSP refusal, a script error) and the screenshot is a page, not a blank. CI installs Chromium (.ci/run); without
it these tests skip locally and fail under CI=1. Chromium loads only the file: the page references nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from support.messages import SAMPLES, build, run

from mailcheck.reporters.html import render

HOSTILE = ('<script>alert(1)</script> "><img src=x onerror=alert(2)> </style><p style="color:red">x</p> '
           "next\u202eline http://evil.example/i.png")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-extensions", "--disable-sync", "--disable-component-update", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0")


def need_chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run must `apt-get install -y --no-install-recommends chromium`")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")


def browse(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Chromium on the file with its own profile (nothing of the user's, nothing kept)."""
    command = [need_chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(tmp_path)})


def console_messages(stderr: str) -> list[str]:
    # Chromium logs what the page's console receives (CSP refusals, uncaught errors) as INFO:CONSOLE lines.
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line or "Refused to" in line]


def hostile_page(tmp_path: Path) -> Path:
    older = ("Received: from a.example.net (a.example.net [198.51.100.5]) by sender.example.net with ESMTP; "
             "Wed, 18 Nov 2026 12:30:00 +0000\n")
    raw = build(older + f'From: "{HOSTILE}" <a@example.net>\nSubject: {HOSTILE}\n', body=f"{HOSTILE}\n")
    page = tmp_path / "report.html"
    page.write_text(render(run(raw), verbose=True), encoding="utf-8")
    return page


def not_blank(png: Path) -> tuple[int, float]:
    """(distinct colours, share of pixels that are not the background colour) of a screenshot."""
    image = Image.open(png).convert("RGB")
    small = image.resize((image.width // 2, image.height // 2))
    colours = small.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[1]
    painted = sum(count for count, colour in colours if colour != background)
    return len(colours), painted / (small.width * small.height)


def test_chromium_renders_the_report_without_console_messages(tmp_path: Path) -> None:
    page = hostile_page(tmp_path)
    shot = tmp_path / "report.png"
    done = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    colours, painted = not_blank(shot)
    assert colours > 50 and painted > 0.03, (colours, painted)  # text, tables, the coloured chain picture


def test_the_console_check_would_see_a_refusal(tmp_path: Path) -> None:
    """The detector works: a page breaking the same policy makes Chromium log it."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><meta charset='utf-8'><meta http-equiv='Content-Security-Policy' "
                   "content=\"default-src 'none'\"><p style='color:red'>x</p><script>1</script>", encoding="utf-8")
    done = browse(bad, tmp_path, f"--screenshot={tmp_path / 'bad.png'}", "--window-size=400,300")
    assert len(console_messages(done.stderr)) >= 2, done.stderr[-2000:]


def test_the_dom_chromium_builds_is_the_report(tmp_path: Path) -> None:
    page = tmp_path / "flabbia.html"
    page.write_text(render(run((SAMPLES / "flabbia.eml").read_bytes())), encoding="utf-8")
    done = browse(page, tmp_path, "--dump-dom")
    dom = done.stdout
    assert '<section class="findings">' in dom and '<svg class="chain"' in dom and 'class="boundary"' in dom
    assert "<script" not in dom and "FORGED" in dom
    assert console_messages(done.stderr) == []


def test_dark_mode_is_not_blank_either(tmp_path: Path) -> None:
    page = hostile_page(tmp_path)
    shot = tmp_path / "dark.png"
    done = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", "--force-dark-mode",
                  "--blink-settings=preferredColorScheme=0")
    assert done.returncode == 0 and console_messages(done.stderr) == []
    image = Image.open(shot).convert("RGB")
    corner = image.getpixel((5, 5))
    assert isinstance(corner, tuple) and sum(corner) < 150  # the dark background applied
    colours, painted = not_blank(shot)
    assert colours > 50 and painted > 0.03, (colours, painted)
