"""The explorer in a real JupyterLab and the replay without a kernel, in a real (headless) Chromium.

1. The notebook opened untrusted, nothing run: the stored replay (an animated PNG) plays,
   and the explorer cell shows a picture, not a widget repr.
2. The same in `jupyter nbconvert --to html`, opened from disk.
3. A live session: run the cells the explorer needs, use the controls like a learner, drag the learning-rate slider
   (the boundary changes once the retrain lands), then 200 rapid random events; after quiet,
   the canvas must equal a fresh kernel render of the state the controls name, with no error.

JupyterLab runs on 127.0.0.1 over a scratch copy of notebooks/ (or of $EXPLORER_NOTEBOOKS, a
folder laid out the same way). Screenshots are kept in test-artifacts/browser/.
"""
import base64
import io
import json
import os
import pathlib
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
NOTEBOOK = "Initialization_solution.ipynb"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
KERNEL_STATUS = "#jp-main-statusbar .jp-StatusBar-TextItem[title^='Change kernel']"
STRESS_EVENTS = 200
EXPLORER_CELLS = ["imports", "data", "initialize_parameters_zeros", "initialize_parameters_random",
                  "initialize_parameters_he", "explorer"]  # nbgrader grade_ids

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")
from PIL import Image  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A scratch copy of notebooks/ with the solved notebook at its top; return its folder."""
    folder = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(pathlib.Path(os.environ.get("EXPLORER_NOTEBOOKS", ROOT / "notebooks")), folder)
    shutil.copy(folder / "source" / NOTEBOOK, folder / NOTEBOOK)
    return folder


@pytest.fixture(scope="module")
def lab(scratch):
    """Start an isolated JupyterLab over the scratch folder; yield (base url, token)."""
    home = scratch.parent
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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium if present, else Playwright's own; skip loudly if there is none."""
    options = {"headless": True, "args": CHROMIUM_FLAGS}
    if os.path.exists("/usr/bin/chromium"):
        options["executable_path"] = "/usr/bin/chromium"
    with playwright_api.sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(**options)
        except Exception as error:  # no browser at all on this machine
            pytest.skip(f"NO BROWSER: the real-browser test cannot run ({error}). Install Chromium "
                        "(apt-get install chromium) or run `playwright install chromium`.")
        yield instance
        instance.close()


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


def test_replay_plays_in_an_untrusted_notebook_without_running_it(lab, browser):
    base, token = lab
    problems = []
    page = new_page(browser, problems)
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}&reset")
    replay = page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="replay_image(")).locator(
        ".jp-OutputArea-output img")
    replay.wait_for(timeout=60_000)
    trusted = page.evaluate("""() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        return [...Array(cells.length).keys()].map(i => cells.get(i))
            .filter(c => c.type === 'code' && c.outputs.length > 0).map(c => c.trusted); }""")
    assert trusted and not any(trusted), "the scratch notebook should open untrusted, like a fresh clone"
    explorer_cell = page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="explorer = Explorer("))
    explorer_output = explorer_cell.locator(".jp-OutputArea-output")
    assert "VBox(children" not in " ".join(explorer_output.all_inner_texts())
    assert explorer_output.locator("img").count() == 1, "the explorer cell shows no picture when not run"
    assert_plays(page, replay, "01-untrusted-notebook-replay")
    page.close()
    assert problems == [], "\n".join(problems)


def test_replay_plays_in_nbconvert_html(scratch, browser):
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(scratch / NOTEBOOK),
                    "--output-dir", str(scratch / "html")], check=True, capture_output=True, timeout=120)
    page_file = scratch / "html" / NOTEBOOK.replace(".ipynb", ".html")
    html = page_file.read_text()
    assert "VBox(children" not in html
    problems = []
    page = new_page(browser, problems)
    page.goto(page_file.as_uri())
    cells = page.locator(".jp-Cell", has=page.locator(".jp-InputArea", has_text="replay_image("))
    assert_plays(page, cells.locator(".jp-OutputArea-output img"), "02-nbconvert-html-replay")
    explorer_cell = page.locator(".jp-Cell", has=page.locator(".jp-InputArea", has_text="explorer = Explorer("))
    assert explorer_cell.locator(".jp-OutputArea-output img").count() >= 1
    page.close()


# ---- the live explorer ----------------------------------------------------------------------

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


RENDER_NAMED_STATE = """
import base64 as _b64, json as _json, re as _re
from init_utils.replay_view import status_text as _status
_named = [c for c in explorer.runs._cache if c.label == {label!r} and c.num_iterations == {iterations}
          and abs(c.learning_rate / {learning_rate} - 1) < 0.01 and (c.scale is None or c == explorer.config(c.label))]
assert len(_named) == 1, f"the controls name {{len(_named)}} trained runs for {label!r}, {learning_rate}, {iterations}: {{_named}} of {{list(explorer.runs._cache)}}"
_run = explorer.runs.get(_named[0])
print(_json.dumps({{"png": _b64.b64encode(explorer.snapshot_png({label!r}, k={k}, learning_rate=_named[0].learning_rate,
                   num_iterations={iterations})).decode(), "status": _re.sub("<[^>]+>|&nbsp;", " ", _status(_run, {k}))}}))
"""


def named_state(explorer):
    """Read what the controls and the status line name, from the page."""
    label = explorer.locator(".explorer-scheme button.mod-active").inner_text().strip()
    k = int(float(explorer.locator(".explorer-frame .noUi-handle").get_attribute("aria-valuenow")))
    exponent = float(explorer.locator(".explorer-learning-rate .noUi-handle").get_attribute("aria-valuenow"))
    iterations = int(explorer.locator(".explorer-iterations .widget-readout").inner_text().replace(",", ""))
    status = explorer.locator(".explorer-readout").inner_text()
    return label, k, 10 ** exponent, iterations, status


def assert_figure_shows_named_state(page, explorer, name, timeout=120):
    """The replay canvas must come to equal a fresh kernel render of what the controls name, and the status agree.

    Events may still be on their way when this starts, so it waits (up to ``timeout`` s) for the
    condition, reading the controls afresh each time; it fails only if the two never agree.
    """
    deadline, differing = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        wait_idle(page)
        label, k, learning_rate, iterations, status = named_state(explorer)
        answer = kernel_eval(page, RENDER_NAMED_STATE.format(label=label, k=k, learning_rate=learning_rate,
                                                             iterations=iterations))
        shown = canvas_png(page, "explorer-replay")
        if not answer.startswith("{") or shown is None:
            continue  # the controls name a run the kernel has not heard of yet
        expected = json.loads(answer)
        a, b = decode(shown), decode(base64.b64decode(expected["png"]))
        differing = np.mean(np.any(np.abs(a - b) > 8, axis=2)) if a.shape == b.shape else 1.0
        same_status = " ".join(expected["status"].replace("\xa0", " ").split()) == " ".join(
            status.replace("\xa0", " ").split())
        if differing <= 0.001 and same_status:
            return
    shot(page, f"{name}-mismatch")
    pytest.fail(f"{name}: in {timeout} s the figure never matched the named state {label}, snapshot {k}, learning "
                f"rate {learning_rate:.3g}, {iterations} iterations (last: {differing} of pixels differ, kernel "
                f"said {answer[-300:]!r})")


def assert_no_errors(page):
    errors = page.locator(".explorer-errors .jp-OutputArea-output")
    assert errors.count() == 0, page.locator(".explorer-errors").inner_text()[:3000]
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    failures = [text for text in stderr if "Error" in text or "Traceback" in text]  # not notices such as the
    assert failures == [], "notebook error output: " + " | ".join(failures)[:2000]  # engine's compile note


CLICK = "([selector, n]) => document.querySelectorAll(selector)[n].click()"
KEY = "(selector) => document.querySelector(selector).focus()"


def stress(page, explorer, events, seed=14):
    """Fire rapid random events without waiting for the kernel: a learner clicking fast."""
    rng = random.Random(seed)
    schemes = explorer.locator(".explorer-scheme button").count() - 1  # every scheme but "custom scale"
    tabs = explorer.locator(".lm-TabBar-tab")
    actions = ["scheme", "frame", "frame", "play", "stop", "step", "step", "tab", "rate"]
    calm = [a for a in actions if a not in ("play", "stop")]
    counts = dict.fromkeys(actions, 0)
    for n in range(events):
        if n == events - 10:
            page.evaluate(CLICK, [".explorer-play button", 1])  # stop playing, so the figure can come to rest,
        action = rng.choice(actions if n < events - 10 else calm)  # then ten more events from where it stopped
        counts[action] += 1
        if action == "scheme":
            page.evaluate(CLICK, [".explorer-scheme button", rng.randrange(schemes)])
        elif action in ("frame", "rate"):
            page.evaluate(KEY, f".explorer-{'frame' if action == 'frame' else 'learning-rate'} .noUi-handle")
            keys = ["ArrowRight", "ArrowLeft", "End", "Home", "PageUp"] if action == "frame" else ["ArrowRight",
                                                                                                   "ArrowLeft"]
            page.keyboard.press(rng.choice(keys))
        elif action in ("play", "stop"):
            page.evaluate(CLICK, [".explorer-play button", 0 if action == "play" else 1])
        elif action == "step":
            page.evaluate(CLICK, [rng.choice([".explorer-start", ".explorer-back", ".explorer-forward"]), 0])
        else:
            tabs.nth(rng.choice([0, 0, 1, 2, 3])).click()  # Lumino tabs answer pointer events, not click()
    tabs.nth(0).click()
    page.evaluate(KEY, ".explorer-frame .noUi-handle")  # and end on a late snapshot, still without waiting,
    for key in ["End", "ArrowLeft", "ArrowLeft", "ArrowLeft"]:  # where boundaries differ most between runs
        page.keyboard.press(key)
    return counts


def wait_for_text(page, locator, text, timeout=60):
    """Wait until ``locator``'s text contains ``text``."""
    page.wait_for_function("([e, text]) => e.textContent.includes(text)", arg=[locator.element_handle(), text],
                           timeout=timeout * 1000)


def depth_view(page, explorer):
    """Open the depth tab; one more layer, another scheme, another width each redraw it and say so."""
    caption = explorer.locator(".explorer-depth-caption")
    before = canvas_png(page, "explorer-depth")
    explorer.locator(".lm-TabBar-tab").nth(3).click()
    shown = wait_for_change(page, "explorer-depth", before, "opening the depth tab", timeout=120)
    wait_for_text(page, caption, "50 layers of 256 units")
    explorer.locator(".explorer-layers .noUi-handle").press("ArrowRight")
    shown = wait_for_change(page, "explorer-depth", shown, "one more layer")
    wait_for_text(page, caption, "51 layers of 256 units")
    explorer.locator(".explorer-scheme button", has_text="LeCun").click()
    shown = wait_for_change(page, "explorer-depth", shown, "switching to LeCun")
    wait_for_text(page, caption, "LeCun, 51 layers of 256 units")
    assert "= 0.5 (closed form)" in caption.inner_text()
    explorer.locator(".explorer-width .noUi-handle").press("ArrowLeft")
    wait_for_change(page, "explorer-depth", shown, "a narrower stack")
    wait_for_text(page, caption, "LeCun, 51 layers of 240 units")
    wait_idle(page)
    shot(page, "09-depth", explorer)
    assert kernel_eval(page, "print(explorer.depth_view.shown[:2], explorer.depth_view.shown[3])").strip() == \
        "(51, 240) LeCun"


def test_explorer_responds_in_a_real_jupyterlab(lab, browser):
    base, token = lab
    started = time.monotonic()

    def phase(name):
        print(f"{time.monotonic() - started:6.1f} s  {name}")

    problems = []
    page = new_page(browser, problems)
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}&reset")
    page.wait_for_function(f"""() => {{ const s = document.querySelector("{KERNEL_STATUS}");
                               return s && s.textContent.includes('Idle'); }}""", timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    assert page.locator(".initialization-explorer").count() == 0
    # Only the cells the explorer needs: the rest of the notebook is checked by nbval.
    page.evaluate("""async (ids) => {
        const notebook = window.jupyterapp.shell.currentWidget.content;
        for (let i = 0; i < notebook.widgets.length; i++) {
            const grade = (notebook.widgets[i].model.getMetadata('nbgrader') || {}).grade_id;
            if (ids.includes(grade)) {
                notebook.activeCellIndex = i;
                await window.jupyterapp.commands.execute('notebook:run-cell');
            }
        } }""", EXPLORER_CELLS)
    try:
        page.wait_for_selector(".explorer-replay .jupyter-matplotlib-canvas-div canvas", timeout=240_000)
    except playwright_api.Error:
        shot(page, "failure-run-all")
        raise
    wait_idle(page)
    phase("explorer cells run")
    assert_no_errors(page)

    explorer = page.locator(".initialization-explorer")
    explorer.scroll_into_view_if_needed()
    for label in ("learning rate", "iterations", "weights", "snapshot"):
        description = explorer.locator(".widget-label", has_text=label).first
        assert description.evaluate("e => e.scrollWidth <= e.clientWidth"), f"the label {label!r} is cut off"
    replay = wait_for_change(page, "explorer-replay", None, "first draw", timeout=60)
    shot(page, "03-explorer-live", explorer)

    explorer.locator(".explorer-scheme button", has_text="zeros (yours)").click()
    replay = wait_for_change(page, "explorer-replay", replay, "switching to zeros")
    handle = explorer.locator(".explorer-frame .noUi-handle")
    handle.press("End")
    replay = wait_for_change(page, "explorer-replay", replay, "moving the slider to the end")
    assert "iteration 15000 of 15000" in explorer.locator(".explorer-readout").inner_text()
    shot(page, "04-zeros-at-the-end", explorer)

    phase("zeros, slider")
    explorer.locator(".explorer-scheme button", has_text="He (yours)").click()
    replay = wait_for_change(page, "explorer-replay", replay, "switching to He")
    assert_figure_shows_named_state(page, explorer, "he-at-the-end")
    handle.press("Home")
    for _ in range(20):  # iteration 2000: He at learning rate 0.01 has barely started; faster rates have not
        handle.press("ArrowRight")
    wait_idle(page)
    readout = explorer.locator(".explorer-readout")
    page.wait_for_function("(e) => e.textContent.includes('iteration 2000 of 15000')", arg=readout.element_handle())
    before = canvas_png(page, "explorer-replay")
    box = explorer.locator(".explorer-learning-rate .noUi-handle").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 9):  # a slow drag to the right: it retrains as it moves
        page.mouse.move(box["x"] + box["width"] / 2 + 12 * step, box["y"] + box["height"] / 2)
        page.wait_for_timeout(60)
    page.mouse.up()
    wait_for_change(page, "explorer-replay", before, "dragging the learning rate", timeout=60)
    assert_figure_shows_named_state(page, explorer, "after-learning-rate-drag")
    after = decode(canvas_png(page, "explorer-replay"))
    boundary = (slice(20, 270), slice(60, 300))  # the left axes, where the boundary is drawn
    assert np.mean(np.any(after[boundary] != decode(before)[boundary], axis=2)) > 0.01, "the boundary did not change"
    assert "iteration 2000 of 15000" in explorer.locator(".explorer-readout").inner_text()
    shot(page, "05-after-learning-rate-drag", explorer)

    phase("learning-rate drag")
    explorer.locator(".explorer-start").click()
    wait_idle(page)
    still = canvas_png(page, "explorer-replay")
    explorer.locator(".explorer-play button").first.click()
    wait_for_change(page, "explorer-replay", still, "pressing play", timeout=60)
    shot(page, "06-playing", explorer)
    explorer.locator(".explorer-play button").nth(1).click()

    for index, name in ((1, "07-compare"), (2, "08-inside")):
        css = ("explorer-compare", "explorer-inside")[index - 1]
        before = canvas_png(page, css)
        explorer.locator(".lm-TabBar-tab").nth(index).click()
        wait_for_change(page, css, before, f"opening tab {index}", timeout=120)
        wait_idle(page)
        shot(page, name, explorer)
    phase("play, tabs")
    depth_view(page, explorer)
    phase("depth view")
    explorer.locator(".lm-TabBar-tab").nth(0).click()

    counts = stress(page, explorer, STRESS_EVENTS, seed=int(os.environ.get("EXPLORER_STRESS_SEED", "14")))
    print("stress events:", counts)
    assert_figure_shows_named_state(page, explorer, "after-stress")
    phase("stress")
    shot(page, "10-after-stress", explorer)
    assert_no_errors(page)
    page.close()
    assert problems == [], "\n".join(problems)
