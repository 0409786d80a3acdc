"""The explorer in a real JupyterLab, in a real (headless) Chromium driven by Playwright.

Starts JupyterLab on 127.0.0.1 over a scratch copy of notebooks/, runs every cell of the
solved notebook, then uses the explorer's controls like a learner and checks that the
figure's pixels change after each action and that no browser or notebook error appears.
Screenshots are kept in test-artifacts/browser/.
"""
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
NOTEBOOK = "Initialization_solution.ipynb"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
KERNEL_STATUS = "#jp-main-statusbar .jp-StatusBar-TextItem[title^='Change kernel']"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Start an isolated JupyterLab over a scratch copy of notebooks/; yield (base url, token)."""
    home = tmp_path_factory.mktemp("lab")
    scratch = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", scratch)
    shutil.copy(scratch / "source" / NOTEBOOK, scratch / NOTEBOOK)
    settings = home / "settings"
    for plugin, values in [("@jupyterlab/apputils-extension/notification", {"fetchNews": "false"}),
                           ("@jupyterlab/docmanager-extension/plugin", {"autosave": False})]:
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
    port, token = free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--allow-root",
         f"--ServerApp.root_dir={scratch}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:])
        yield base, token
    finally:
        try:
            request = urllib.request.Request(f"{base}/api/sessions?token={token}")
            with urllib.request.urlopen(request, timeout=5) as response:
                for session in json.load(response):
                    urllib.request.urlopen(urllib.request.Request(
                        f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE"), timeout=5)
        except OSError:
            pass
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def launch(playwright):
    """Launch Debian's Chromium if present, else Playwright's own; skip loudly if there is none."""
    options = {"headless": True, "args": CHROMIUM_FLAGS}
    if os.path.exists("/usr/bin/chromium"):
        options["executable_path"] = "/usr/bin/chromium"
    try:
        return playwright.chromium.launch(**options)
    except Exception as error:  # no browser at all on this machine
        pytest.skip(f"NO BROWSER: the real-browser test cannot run ({error}). Install Chromium "
                    "(apt-get install chromium) or run `playwright install chromium`.")


def canvas_pixels(page, css_class):
    """Return the figure canvas as a data URL, or None while it is missing or still blank."""
    return page.evaluate("""(cls) => {
        const canvas = document.querySelector(`.${cls} .jupyter-matplotlib-canvas-div canvas`);
        if (!canvas || canvas.width === 0 || canvas.height === 0) return null;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] > 0 && (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200)) ink++;
        }
        return ink > 0.02 * canvas.width * canvas.height ? canvas.toDataURL() : null; }""", css_class)


def wait_for_change(page, css_class, before, what, timeout=120):
    """Wait until the figure has drawn something (more than 2 % dark pixels) that differs from ``before``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = canvas_pixels(page, css_class)
        if now and now != before:
            return now
        page.wait_for_timeout(250)
    shot(page, "failure")
    pytest.fail(f"the {css_class} figure did not change after: {what} (see test-artifacts/browser/failure.png)")


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_idle(page, timeout_ms):
    page.wait_for_function(f"""() => {{
        const status = document.querySelector("{KERNEL_STATUS}");
        const busy = [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
        return status && status.textContent.includes('Idle') && !busy; }}""", timeout=timeout_ms)


def open_tab(page, explorer, title, css_class, screenshot):
    """Open an explorer tab; its figure must appear and draw, then the kernel settle."""
    before = canvas_pixels(page, css_class)
    explorer.locator(".lm-TabBar-tab", has_text=title).click()
    wait_for_change(page, css_class, before, f"opening {title}", timeout=180)
    wait_idle(page, 180_000)
    page.wait_for_function("""() => getComputedStyle(document.querySelector('.explorer-progress')).visibility
                           === 'hidden'""", timeout=60_000)
    page.wait_for_timeout(500)
    shot(page, screenshot)


def test_explorer_responds_in_a_real_jupyterlab(lab):
    base, token = lab
    problems = []
    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
                if message.type == "error" else None)
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}&reset")
        page.wait_for_function(f"""() => {{ const s = document.querySelector("{KERNEL_STATUS}");
                                   return s && s.textContent.includes('Idle'); }}""", timeout=120_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        assert page.locator(".initialization-explorer").count() == 0
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_selector(".explorer-replay .jupyter-matplotlib-canvas-div canvas", timeout=300_000)
        wait_idle(page, 300_000)
        shot(page, "01-after-run-all")

        stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.count() == 0, "notebook error output: " + " | ".join(stderr.all_inner_texts())[:2000]
        assert page.locator(".explorer-errors .jp-OutputArea-output").count() == 0

        explorer = page.locator(".initialization-explorer")
        explorer.scroll_into_view_if_needed()
        replay = wait_for_change(page, "explorer-replay", None, "first draw", timeout=60)
        shot(page, "02-explorer")

        explorer.locator(".explorer-scheme button", has_text="zeros (yours)").click()
        replay = wait_for_change(page, "explorer-replay", replay, "switching to zeros")
        assert "zeros (yours)" in explorer.locator(".explorer-readout").inner_text()
        shot(page, "03-zeros")

        handle = explorer.locator(".explorer-frame .noUi-handle")
        handle.focus()
        handle.press("End")
        replay = wait_for_change(page, "explorer-replay", replay, "moving the slider to the end")
        assert "iteration 15000 of 15000" in explorer.locator(".explorer-readout").inner_text()
        shot(page, "04-slider-end")

        explorer.locator(".explorer-scheme button", has_text="random x10 (yours)").click()
        replay = wait_for_change(page, "explorer-replay", replay, "switching to random x10")
        explorer.locator(".explorer-start").click()
        replay = wait_for_change(page, "explorer-replay", replay, "back to the start")
        explorer.locator(".explorer-play button").first.click()
        replay = wait_for_change(page, "explorer-replay", replay, "pressing play", timeout=30)
        page.wait_for_timeout(1500)
        replay = wait_for_change(page, "explorer-replay", replay, "playing on", timeout=30)
        shot(page, "05-playing")
        explorer.locator(".explorer-play button").nth(1).click()  # stop
        handle.focus()
        handle.press("End")
        replay = wait_for_change(page, "explorer-replay", replay, "moving to the last snapshot of random x10")

        open_tab(page, explorer, "Compare all", "explorer-compare", "06-compare")
        open_tab(page, explorer, "Inside the network", "explorer-inside", "07-inside")

        assert page.locator(".explorer-errors .jp-OutputArea-output").count() == 0, \
            page.locator(".explorer-errors").inner_text()
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        browser.close()
    assert problems == [], "\n".join(problems)
