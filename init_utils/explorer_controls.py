"""The explorer's controls: which run (scheme and settings) and which snapshot. Widgets only.

Every control carries a CSS class (``explorer-...``) so browser tests find it, and a
description width that shows its label in full.
"""
import ipywidgets as widgets

LABEL = {"description_width": "initial"}


class Controls:
    """The explorer's widgets, unconnected; Explorer wires them."""

    def __init__(self, labels, default, learning_rate, num_iterations):
        self.scheme = widgets.ToggleButtons(options=labels, value=default, description="weights",
                                            style={"button_width": "auto", **LABEL})
        self.scale = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=1.5, step=0.05, description="custom scale",
                                            readout_format=".3g", style=LABEL, layout=widgets.Layout(width="420px"))
        self.learning_rate = widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0, step=0.1,
                                                    description="learning rate", readout_format=".3g", style=LABEL,
                                                    layout=widgets.Layout(width="420px"))
        self.iterations = widgets.IntSlider(value=num_iterations, min=1000, max=30000, step=1000,
                                            description="iterations", style=LABEL, layout=widgets.Layout(width="420px"))
        self.play = widgets.Play(value=0, min=0, max=1, step=1, interval=100, description="play")
        self.frame = widgets.IntSlider(value=0, min=0, max=1, description="snapshot", readout=False, style=LABEL,
                                       layout=widgets.Layout(width="380px"))
        widgets.jslink((self.play, "value"), (self.frame, "value"))
        button = widgets.Layout(width="40px")
        self.to_start = widgets.Button(description="⇤", tooltip="back to the start", layout=button)
        self.step_back = widgets.Button(description="‹", tooltip="one snapshot back", layout=button)
        self.step_forward = widgets.Button(description="›", tooltip="one snapshot forward", layout=button)
        self.depth = widgets.IntSlider(value=50, min=1, max=100, description="layers", style=LABEL,
                                       layout=widgets.Layout(width="380px"))
        self.width = widgets.IntSlider(value=256, min=16, max=320, step=16, description="width", style=LABEL,
                                       layout=widgets.Layout(width="380px"))
        self.depth_caption = widgets.HTML()
        self.readout = widgets.HTML()
        self.progress = widgets.FloatProgress(value=0, min=0, max=1, description="training", style=LABEL,
                                              layout=widgets.Layout(visibility="hidden"))
        self.errors = widgets.Output(layout=widgets.Layout(max_height="220px", overflow="auto"))
        for name in ("scheme", "scale", "learning_rate", "iterations", "play", "frame", "to_start", "step_back",
                     "step_forward", "depth", "width", "depth_caption", "readout", "progress", "errors"):
            getattr(self, name).add_class("explorer-" + CSS.get(name, name))

    def settings(self):
        """Return the widgets that choose what is trained (they retrain as they move)."""
        return (self.scale, self.learning_rate, self.iterations)

    def depth_tab(self, canvas):
        """Return the depth view's tab: its sliders above ``canvas``, its caption below."""
        return widgets.VBox([widgets.HBox([self.depth, self.width]), canvas, self.depth_caption])

    def layout(self, tabs):
        """Return the explorer's root box around ``tabs``."""
        player = widgets.HBox([self.to_start, self.step_back, self.play, self.step_forward, self.frame])
        settings = widgets.HBox([self.learning_rate, self.iterations], layout=widgets.Layout(flex_flow="row wrap"))
        box = widgets.VBox([self.scheme, settings, self.scale, self.progress, player, self.readout, tabs, self.errors])
        box.add_class("initialization-explorer")
        return box


CSS = {"learning_rate": "learning-rate", "to_start": "start", "step_back": "back", "step_forward": "forward",
       "depth": "layers", "depth_caption": "depth-caption"}
