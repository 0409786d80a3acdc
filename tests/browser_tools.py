"""Driving a real JupyterLab in a real (headless) Chromium: server, pages, canvases, kernel (see BROWSER.md)."""
import base64
import contextlib
import io
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
KERNEL_STATUS = "#jp-main-statusbar .jp-StatusBar-TextItem[title^='Change kernel']"
CLICK = "([selector, n]) => document.querySelectorAll(selector)[n].click()"
KEY = "(selector) => document.querySelector(selector).focus()"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(folder):
    """Run an isolated JupyterLab over ``folder`` (its settings beside it); yield (base url, token)."""
    home = folder.parent
    settings = home / "settings"
    for plugin, values in [("@jupyterlab/apputils-extension/notification", {"fetchNews": "false"}),
                           ("@jupyterlab/docmanager-extension/plugin", {"autosave": False})]:
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # A data folder of its own gives an empty trust database: the notebook opens untrusted, like a fresh clone.
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
    port, token = free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--allow-root",
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None",
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
            with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as response:
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


def new_page(browser, problems):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    return page


def shot(page, name, locator=None):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (locator or page).screenshot(path=str(ARTIFACTS / f"{name}.png"))


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def canvas_png(page, css_class):
    """Return the figure canvas as PNG bytes, or None while it is missing or blank."""
    url = page.evaluate("""(cls) => {
        const canvas = document.querySelector(`.${cls} .jupyter-matplotlib-canvas-div canvas`);
        if (!canvas || canvas.width === 0 || canvas.height === 0) return null;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] > 0 && (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200)) ink++;
        }
        return ink > 0.02 * canvas.width * canvas.height ? canvas.toDataURL() : null; }""", css_class)
    return None if url is None else base64.b64decode(url.split(",", 1)[1])


def wait_for_change(page, css_class, before, what, timeout=120):
    """Wait until the figure has drawn something that differs from ``before``; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = canvas_png(page, css_class)
        if now and now != before:
            return now
        page.wait_for_timeout(100)
    shot(page, "failure")
    pytest.fail(f"the {css_class} figure did not change after: {what} (see test-artifacts/browser/failure.png)")


def wait_idle(page, timeout_ms=300_000):
    """Wait until the kernel is idle, no cell runs, and the explorer has nothing to train or draw."""
    idle = f"""() => {{
        const status = document.querySelector("{KERNEL_STATUS}");
        const busy = [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
        return status && status.textContent.includes('Idle') && !busy; }}"""
    page.wait_for_function(idle, timeout=timeout_ms)
    if page.locator(".initialization-explorer").count():
        answer = kernel_eval(page, f"print(explorer.wait_until_idle({timeout_ms / 1000}))")
        assert answer.strip() == "True", f"the explorer is still busy after {timeout_ms / 1000} s: {answer}"


def kernel_eval(page, code):
    """Run ``code`` in the notebook's kernel and return what it prints."""
    return page.evaluate("""async (code) => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const future = kernel.requestExecute({code, store_history: false});
        let out = '';
        future.onIOPub = (msg) => {
            if (msg.header.msg_type === 'stream') out += msg.content.text;
            if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
        };
        await future.done;
        return out; }""", code)


def wait_for_text(page, locator, text, timeout=60):
    """Wait until ``locator``'s text contains ``text``."""
    page.wait_for_function("([e, text]) => e.textContent.includes(text)", arg=[locator.element_handle(), text],
                           timeout=timeout * 1000)


def assert_plays(page, image, name):
    """The image must be a loaded APNG of readable size whose rendered pixels change over time."""
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    width, height = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert width >= 600 and height >= 400, f"replay is {width}x{height}: too small to read"
    first, deadline = decode(image.screenshot()), time.monotonic() + 60
    while time.monotonic() < deadline:  # an APNG frame lasts 120 ms: it moves long before the deadline
        if np.mean(np.any(decode(image.screenshot()) != first, axis=2)) > 0.001:
            shot(page, name)
            return
    shot(page, name)
    pytest.fail(f"{name}: the replay did not move in 60 s")


def assert_no_errors(page):
    errors = page.locator(".explorer-errors .jp-OutputArea-output")
    assert errors.count() == 0, page.locator(".explorer-errors").inner_text()[:3000]
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    failures = [text for text in stderr if "Error" in text or "Traceback" in text]  # not notices such as the
    assert failures == [], "notebook error output: " + " | ".join(failures)[:2000]  # engine's compile note
