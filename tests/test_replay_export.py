"""The kernel-free replay: an animated PNG that decodes to the rendered frames, within budget."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from init_utils import load_dataset
from init_utils.replay_export import ReplayImage, animated_png, replay_frames
from init_utils.runs import Config, Runs
from reference import REFERENCE


@pytest.fixture(scope="module")
def three_runs():
    data = load_dataset(plot=False)
    runs = Runs(dict(REFERENCE), data, [2, 10, 5, 1])
    chosen = [runs.train_now(Config(label, None, 0.01, 3000)) for label in runs.labels[:3]]
    return data, runs, chosen


def test_frames_show_three_columns_at_a_readable_size(three_runs):
    data, runs, chosen = three_runs
    frames = list(replay_frames(chosen, data, runs.grid_shape, every=10))
    assert len(frames) == 4  # snapshots 0, 10, 20 and the last, 30
    assert frames[0].shape == (475, 712, 3)
    assert not np.array_equal(frames[0], frames[-1])


def test_animated_png_decodes_to_every_frame_and_loops(three_runs):
    data, runs, chosen = three_runs
    frames = list(replay_frames(chosen, data, runs.grid_shape, every=10))
    png = animated_png(frames)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and getattr(image, "is_animated", False) and image.n_frames == len(frames)
    assert image.info.get("loop") == 0
    decoded = []
    for k in range(image.n_frames):
        image.seek(k)
        decoded.append(np.asarray(image.convert("RGB")).astype(int))
    for k in range(1, len(frames)):
        assert not np.array_equal(decoded[k], decoded[k - 1])
        # The palette has 63 colours, so pixels move a little; the picture must not.
        assert np.mean(np.abs(decoded[k] - frames[k])) < 4


def test_empty_animation_is_refused():
    with pytest.raises(ValueError, match="at least one frame"):
        animated_png([])


def test_replay_image_displays_as_png_with_a_sentence():
    bundle = ReplayImage(b"\x89PNG...", "Animated replay of x.")._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == b"\x89PNG..." and bundle["text/plain"] == "Animated replay of x."
