"""Sliders that rerun the learner's code, and figures that update in place.

Every notebook builds its "see it" panel from these two pieces, so that the
panels behave the same everywhere: the work runs once the handle is released
(continuous_update=False), and the same figure is redrawn with new data
instead of a new figure per move.
"""
import math


def log_slider(value, low, high, description="lr"):
    """A slider on a log10 scale from low to high, which reports only on release."""
    from ipywidgets import FloatLogSlider
    return FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high), step=0.01,
                          description=description, continuous_update=False, readout_format=".3g")


def linear_slider(value, low, high, step, description):
    """A slider on a linear scale, which reports only on release."""
    from ipywidgets import FloatSlider
    return FloatSlider(value=value, min=low, max=high, step=step, description=description,
                       continuous_update=False, readout_format=".3g")


def panel(update, **controls):
    """Controls above an output area in which update(**values) runs on every change."""
    from ipywidgets import HBox, VBox, interactive_output
    return VBox([HBox(list(controls.values())), interactive_output(update, controls)])


def figure(*args, **kwargs):
    """A figure that is shown only when redraw() is called, not at the end of the cell."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(*args, **kwargs)
    plt.close(fig)
    return fig, axes


def redraw(fig, *axes):
    """Rescale the axes to their updated lines and show the figure in the current output."""
    from IPython.display import display
    for ax in axes:
        ax.relim()
        ax.autoscale_view()
    display(fig)
