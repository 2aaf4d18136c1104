"""Charts for the comparative summary, as PNG bytes (matplotlib, no display needed).

Figures are built with the object API on an Agg canvas: no pyplot state, no
display, and nothing left open between calls.
"""
from __future__ import annotations

import io

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

MAX_ANNOTATED_CELLS = 250  # beyond this, numbers in cells are unreadable and slow to draw


def heatmap_png(frame: pd.DataFrame, title: str, colour_label: str) -> bytes:
    """A rows × columns heatmap as PNG bytes, values written in the cells when
    there are few enough to read; the colour scale runs from 0 to the largest
    value (at most 1)."""
    rows, cols = frame.shape
    width, height = max(6.0, 0.55 * cols + 3.5), max(2.5, 0.42 * rows + 2.2)
    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    # Margins from the label lengths (8 pt type is about 0.06 in a character):
    # one draw instead of the two that tight layout needs.
    left = _chars(frame.index) * 0.06 + 0.3
    bottom = _chars(frame.columns) * 0.06 * 0.62 + 0.3
    fig.subplots_adjust(left=left / width, bottom=bottom / height, right=1 - 0.9 / width,
                        top=1 - 0.5 / height)
    ax = fig.add_subplot()
    values = frame.to_numpy(dtype=float)
    top = float(values.max()) if values.size and values.max() > 0 else 1.0
    image = ax.imshow(values, cmap="Blues", vmin=0.0, vmax=min(top, 1.0), aspect="auto")
    ax.set_xticks(range(cols), labels=list(frame.columns), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(rows), labels=list(frame.index), fontsize=8)
    if rows * cols <= MAX_ANNOTATED_CELLS:
        for (r, c), value in pd.DataFrame(values).stack().items():
            ax.text(c, r, f"{value:.2f}".lstrip("0") if value < 1 else "1", ha="center",
                    va="center", fontsize=6.5, color="white" if value > 0.6 * top else "#1f2933")
    ax.set_title(title, fontsize=11, loc="left")
    fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01, label=colour_label)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _chars(labels: pd.Index) -> int:
    return max((len(str(label)) for label in labels), default=0)
