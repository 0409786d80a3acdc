"""The explorer's controls, unconnected: which run (scheme and settings), which snapshot, which stack. Widgets only."""
import ipywidgets as widgets

LABEL = {"description_width": "initial"}  # labels shown in full


def wide(pixels):
    return widgets.Layout(width=f"{pixels}px")


class Controls:
    """The explorer's widgets, each with the CSS class explorer-<its name> for browser tests; Explorer wires them."""

    def __init__(self, labels, default, learning_rate, num_iterations):
        self.scheme = widgets.ToggleButtons(options=labels, value=default, description="weights",
                                            style={"button_width": "auto", **LABEL})
        self.scale = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=1.5, step=0.05, description="custom scale",
                                            readout_format=".3g", style=LABEL, layout=wide(420))
        self.learning_rate = widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0, step=0.1,
                                                    description="learning rate", readout_format=".3g", style=LABEL,
                                                    layout=wide(420))
        self.iterations = widgets.IntSlider(value=num_iterations, min=1000, max=30000, step=1000,
                                            description="iterations", style=LABEL, layout=wide(420))
        self.play = widgets.Play(value=0, min=0, max=1, step=1, interval=100, description="play")
        self.frame = widgets.IntSlider(value=0, min=0, max=1, description="snapshot", readout=False, style=LABEL,
                                       layout=wide(380))
        widgets.jslink((self.play, "value"), (self.frame, "value"))
        self.start = widgets.Button(description="⇤", tooltip="back to the start", layout=wide(40))
        self.back = widgets.Button(description="‹", tooltip="one snapshot back", layout=wide(40))
        self.forward = widgets.Button(description="›", tooltip="one snapshot forward", layout=wide(40))
        self.layers = widgets.IntSlider(value=50, min=1, max=100, description="layers", style=LABEL, layout=wide(380))
        self.width = widgets.IntSlider(value=256, min=16, max=320, step=16, description="width", style=LABEL,
                                       layout=wide(380))
        self.depth_caption = widgets.HTML()
        self.readout = widgets.HTML()
        self.progress = widgets.FloatProgress(value=0, min=0, max=1, description="training", style=LABEL,
                                              layout=widgets.Layout(visibility="hidden"))
        self.errors = widgets.Output(layout=widgets.Layout(max_height="220px", overflow="auto"))
        for name, widget in vars(self).items():
            widget.add_class("explorer-" + name.replace("_", "-"))

    def adjusted(self, learning_rate, num_iterations):
        """Return a line for each given setting its slider could not take, naming the value it took instead."""
        lr, iterations = self.learning_rate, self.iterations
        return [f"{name}={given!r}: its slider takes {low:g} to {high:g}, so the explorer uses {slider.value:g}."
                for name, given, slider, low, high in (
                    ("learning_rate", learning_rate, lr, lr.base ** lr.min, lr.base ** lr.max),
                    ("num_iterations", num_iterations, iterations, iterations.min, iterations.max))
                if slider.value != given]

    def settings(self):
        """Return the widgets that choose what is trained (they retrain as they move)."""
        return (self.scale, self.learning_rate, self.iterations)

    def layout(self, replay, compare, inside, depth):
        """Return the explorer's root box and its tabs around the four views' canvases."""
        depth_tab = widgets.VBox([widgets.HBox([self.layers, self.width]), depth, self.depth_caption])
        tabs = widgets.Tab(children=[replay, compare, inside, depth_tab],
                           titles=("Replay", "Compare all", "Inside the network", "Depth"))
        tabs.add_class("explorer-tabs")
        player = widgets.HBox([self.start, self.back, self.play, self.forward, self.frame])
        settings = widgets.HBox([self.learning_rate, self.iterations], layout=widgets.Layout(flex_flow="row wrap"))
        box = widgets.VBox([self.scheme, settings, self.scale, self.progress, player, self.readout, tabs, self.errors])
        box.add_class("initialization-explorer")
        return box, tabs
