"""The explorer's controls: labels shown in full, a CSS class on each, a layout that holds them."""
from init_utils.explorer_controls import Controls


def test_every_control_has_a_class_and_a_label_that_is_not_cut():
    controls = Controls(["a", "b"], "b", 0.01, 15000)
    for name in ("scheme", "scale", "learning_rate", "iterations", "frame", "progress"):
        widget = getattr(controls, name)
        assert widget.style.description_width == "initial", name  # "learning rate", never "learning r..."
    classes = {c for name in vars(controls) for c in getattr(getattr(controls, name), "_dom_classes", ())}
    assert {"explorer-scheme", "explorer-learning-rate", "explorer-iterations", "explorer-scale", "explorer-frame",
            "explorer-play", "explorer-start", "explorer-back", "explorer-forward", "explorer-readout",
            "explorer-progress", "explorer-errors"} <= classes


def test_settings_are_the_sliders_that_retrain():
    controls = Controls(["a"], "a", 0.01, 15000)
    assert [w.description for w in controls.settings()] == ["custom scale", "learning rate", "iterations"]
    assert all(w.continuous_update for w in controls.settings())  # they retrain while they move


def test_layout_holds_every_control_and_the_tabs():
    import ipywidgets

    controls = Controls(["a"], "a", 0.01, 15000)
    canvases = [ipywidgets.HTML() for _ in range(4)]
    box, tabs = controls.layout(*canvases)

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    inside = list(walk(box))
    assert tabs in inside and controls.learning_rate in inside and controls.errors in inside
    assert all(canvas in inside for canvas in canvases) and controls.layers in inside
    assert len(tabs.children) == 4 and tabs.titles[3] == "Depth"
    assert "initialization-explorer" in box._dom_classes


def test_settings_the_sliders_cannot_take_are_named_with_the_value_used():
    assert Controls(["a"], "a", 0.01, 15000).adjusted(0.01, 15000) == []
    assert Controls(["a"], "a", 0.0, 100000).adjusted(0.0, 100000) == [
        "learning_rate=0.0: its slider takes 0.0001 to 1, so the explorer uses 0.0001.",
        "num_iterations=100000: its slider takes 1000 to 30000, so the explorer uses 30000."]
