"""A replay that plays without a kernel: an animated PNG of a few runs side by side. Reads Runs; never trains.

Browsers animate APNG wherever they show an image: in an untrusted notebook, in nbconvert's HTML and
on static renderers (a viewer that does not animate it shows the first frame).
"""
import base64
import io

import numpy as np
from PIL import Image, PngImagePlugin

from .boundary import drawable_costs, frame_indices, marker_cost
from .figure_parts import agg_figure, boundary_axes, cost_axes, figure_class_legend, show_boundary

DPI = 72


def replay_frames(runs, data, grid_shape, every=3, column_width=3.3):
    """Yield RGB frames of ``runs`` side by side (boundary above, cost below), every ``every``-th snapshot of the first."""
    train_X, train_Y, _, _ = data
    figure = agg_figure((column_width * len(runs), 6.6), DPI, facecolor="white")
    axes = figure.subplots(2, len(runs), squeeze=False, gridspec_kw={"height_ratios": [1.25, 1]})
    panels, moving = [], []
    for column, run in enumerate(runs):
        image, markers = boundary_axes(axes[0, column], grid_shape, train_X, train_Y, legend=False, ticks=False)
        title = axes[0, column].set_title(run.label, fontsize=11)
        cost_ax = cost_axes(axes[1, column])
        cost_ax.set_xlim(0, max(run.iterations[-1], 1))
        cost_ax.plot(run.iterations, drawable_costs(run.costs), color="C0")
        (marker,) = cost_ax.plot([], [], "o", color="crimson", markersize=7)
        if column:
            cost_ax.set_ylabel("")
        panels.append((run, image, title, marker))
        moving += [image, *markers, title, marker]
    figure_class_legend(figure, axes[0, 0], loc="lower center")
    heading = figure.suptitle(" ", fontsize=12)
    figure.tight_layout(rect=(0, 0.05, 1, 0.95))
    figure.set_moving(moving + [heading])
    clock = runs[0].iterations
    for frame in frame_indices(len(clock), every):
        heading.set_text(f"iteration {clock[frame]} of {clock[-1]}")
        for run, image, title, marker in panels:
            k = show_boundary(run, clock[frame], image, title)
            marker.set_data([run.iterations[k]], [marker_cost(run.costs[k])])
        figure.canvas.draw()
        yield np.asarray(figure.canvas.buffer_rgba())[:, :, :3].copy()


def animated_png(frames, frame_ms=120, last_frame_ms=2000, colors=64):
    """Encode RGB frames as one looping animated PNG; return its bytes.

    One palette serves every frame (from the first and last, which hold every colour in use), and a
    pixel equal to the previous frame's is stored as transparent, so each frame costs only what changed.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("an animation needs at least one frame")
    sample = Image.fromarray(np.concatenate([frames[0], frames[-1]], axis=0))
    palette = sample.quantize(colors=colors - 1, method=Image.Quantize.FASTOCTREE)
    unchanged = colors - 1  # the palette entry marked transparent
    rgb = palette.getpalette()[:3 * unchanged] + [255, 255, 255]
    images, previous = [], None
    for frame in frames:
        indices = np.asarray(Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE))
        stored = indices.copy()
        if previous is not None:
            stored[indices == previous] = unchanged
        previous = indices
        image = Image.fromarray(stored.astype(np.uint8), mode="P")
        image.putpalette(rgb)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PNG", save_all=True, append_images=images[1:], loop=0, optimize=True,
                   duration=[frame_ms] * (len(images) - 1) + [last_frame_ms], transparency=unchanged,
                   blend=PngImagePlugin.Blend.OP_OVER, disposal=PngImagePlugin.Disposal.OP_NONE)
    return buffer.getvalue()


class ReplayImage:
    """An animated replay for display: image/png for every front end, and a sentence for text ones."""

    def __init__(self, png, description):
        self.png, self.description = png, description

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.description}
