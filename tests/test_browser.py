"""The explorer in a real JupyterLab and the replay without a kernel, in a real (headless) Chromium.

1. The notebook opened untrusted, nothing run: the stored replay (an animated PNG) plays,
   and the explorer cell shows a picture, not a widget repr.
2. The same in `jupyter nbconvert --to html`, opened from disk.
3. A live session: run the cells the explorer needs, use the controls like a learner, drag the learning-rate slider
   (the boundary changes once the retrain lands), open the depth tab and change layers, scheme and width (each
   redraws it and its caption says so), then 200 rapid random events; once the kernel says the explorer is idle,
   the canvas must come to equal a fresh kernel render of the state the controls name, with no error.
Every wait is for a condition (a canvas that changed, a text, an idle kernel), with a generous timeout.

JupyterLab runs on 127.0.0.1 over a scratch copy of notebooks/ (or of $EXPLORER_NOTEBOOKS, a
folder laid out the same way). Screenshots are kept in test-artifacts/browser/.
"""
import base64
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from browser_tools import (CHROMIUM_FLAGS, CLICK, KERNEL_STATUS, KEY, ROOT, assert_no_errors, assert_plays, canvas_png,
                           decode, jupyterlab, kernel_eval, new_page, shot, wait_for_change, wait_for_text, wait_idle)

NOTEBOOK = "Initialization_solution.ipynb"
STRESS_EVENTS = 200
EXPLORER_CELLS = ["imports", "data", "initialize_parameters_zeros", "initialize_parameters_random",
                  "initialize_parameters_he", "explorer"]  # nbgrader grade_ids

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A scratch copy of notebooks/ with the solved notebook at its top; return its folder."""
    folder = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(pathlib.Path(os.environ.get("EXPLORER_NOTEBOOKS", ROOT / "notebooks")), folder)
    shutil.copy(folder / "source" / NOTEBOOK, folder / NOTEBOOK)
    return folder


@pytest.fixture(scope="module")
def lab(scratch):
    """An isolated JupyterLab over the scratch folder: (base url, token)."""
    with jupyterlab(scratch) as running:
        yield running


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

RENDER_NAMED_STATE = """
import base64 as _b64, json as _json, re as _re
from init_utils.figure_parts import agg_figure as _agg, figure_png as _png
from init_utils.replay_view import ReplayView as _View, status_text as _status
_named = [c for c in explorer.runs._cache if c.label == {label!r} and c.num_iterations == {iterations}
          and abs(c.learning_rate / {learning_rate} - 1) < 0.01 and (c.scale is None or c == explorer.config(c.label))]
assert len(_named) == 1, (f"the controls name {{len(_named)}} trained runs for {label!r}, {learning_rate}, "
                         f"{iterations}: {{_named}} of {{list(explorer.runs._cache)}}")
_run = explorer.runs.get(_named[0])
_view = _View(explorer.data, explorer.runs.grid_shape, _agg(explorer.replay.figure.get_size_inches()))  # a fresh render
_view.show(_run, {k})
print(_json.dumps({{"png": _b64.b64encode(_png(_view.figure)).decode(),
                   "status": _re.sub("<[^>]+>|&nbsp;", " ", _status(_run, {k}))}}))
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


def run_explorer_cells(page, base, token):
    """Open the notebook with fresh outputs, run only the cells the explorer needs; return the explorer's locator."""
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
    assert_no_errors(page)
    explorer = page.locator(".initialization-explorer")
    explorer.scroll_into_view_if_needed()
    for label in ("learning rate", "iterations", "weights", "snapshot"):
        description = explorer.locator(".widget-label", has_text=label).first
        assert description.evaluate("e => e.scrollWidth <= e.clientWidth"), f"the label {label!r} is cut off"
    return explorer


def schemes_and_slider(page, explorer):
    """Switch to zeros, slide to the end, switch to He: each redraws, and He's end is what the kernel renders."""
    replay = wait_for_change(page, "explorer-replay", None, "first draw", timeout=60)
    shot(page, "03-explorer-live", explorer)
    explorer.locator(".explorer-scheme button", has_text="zeros (yours)").click()
    replay = wait_for_change(page, "explorer-replay", replay, "switching to zeros")
    explorer.locator(".explorer-frame .noUi-handle").press("End")
    replay = wait_for_change(page, "explorer-replay", replay, "moving the slider to the end")
    assert "iteration 15000 of 15000" in explorer.locator(".explorer-readout").inner_text()
    shot(page, "04-zeros-at-the-end", explorer)
    explorer.locator(".explorer-scheme button", has_text="He (yours)").click()
    wait_for_change(page, "explorer-replay", replay, "switching to He")
    assert_figure_shows_named_state(page, explorer, "he-at-the-end")


def learning_rate_drag(page, explorer):
    """At iteration 2000, drag the learning rate: the retrained run's boundary replaces the old one."""
    handle = explorer.locator(".explorer-frame .noUi-handle")
    handle.press("Home")
    for _ in range(20):  # iteration 2000: He at learning rate 0.01 has barely started; faster rates have not
        handle.press("ArrowRight")
    wait_idle(page)
    wait_for_text(page, explorer.locator(".explorer-readout"), "iteration 2000 of 15000")
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


def play_and_tabs(page, explorer):
    """Play moves the replay; the compare and inside tabs draw when opened."""
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


def stress_then_rest(page, explorer):
    """Fire rapid random events; once they rest, the replay shows what the controls name."""
    explorer.locator(".lm-TabBar-tab").nth(0).click()
    counts = stress(page, explorer, STRESS_EVENTS, seed=int(os.environ.get("EXPLORER_STRESS_SEED", "14")))
    print("stress events:", counts)
    assert_figure_shows_named_state(page, explorer, "after-stress")
    shot(page, "10-after-stress", explorer)


def test_explorer_responds_in_a_real_jupyterlab(lab, browser):
    started, problems = time.monotonic(), []
    page = new_page(browser, problems)
    explorer = run_explorer_cells(page, *lab)
    for phase in (schemes_and_slider, learning_rate_drag, play_and_tabs, depth_view, stress_then_rest):
        phase(page, explorer)
        print(f"{time.monotonic() - started:6.1f} s  {phase.__name__}")
    assert_no_errors(page)
    page.close()
    assert problems == [], "\n".join(problems)
